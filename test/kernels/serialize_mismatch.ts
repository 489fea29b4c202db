// A receiver that asks for another type than was sent must end the job naming both types:
// expected `wasmpi: rank 0: recv: type mismatch: expected string, received Array<f64>`.
import { decode, encode } from "../../assembly/serialize";

const bytes = encode<Array<f64>>([1.0, 2.0]);
decode<string>("recv", changetype<usize>(bytes), bytes.byteLength);
console.log("serialize_mismatch: decode accepted the wrong type");
