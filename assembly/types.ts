// Constants, datatypes, ops and Status of the kernel API.

/** Wildcards and special ranks. */
export const ANY_SOURCE: i32 = -1;
export const ANY_TAG: i32 = -1;
export const PROC_NULL: i32 = -2;
export const UNDEFINED: i32 = -32766;

/** An element type of a message buffer. */
export class Datatype {
  constructor(
    readonly code: i32,
    /** Bytes per element. */
    readonly size: i32,
    readonly name: string,
  ) {}
}

export const BYTE = new Datatype(1, 1, "BYTE");
export const INT8_T = new Datatype(2, 1, "INT8_T");
export const UINT8_T = new Datatype(3, 1, "UINT8_T");
export const INT16_T = new Datatype(4, 2, "INT16_T");
export const UINT16_T = new Datatype(5, 2, "UINT16_T");
export const INT32_T = new Datatype(6, 4, "INT32_T");
export const UINT32_T = new Datatype(7, 4, "UINT32_T");
export const INT64_T = new Datatype(8, 8, "INT64_T");
export const UINT64_T = new Datatype(9, 8, "UINT64_T");
export const FLOAT = new Datatype(10, 4, "FLOAT");
export const DOUBLE = new Datatype(11, 8, "DOUBLE");

/** A reduction operation. */
export class Op {
  constructor(
    readonly code: i32,
    readonly name: string,
  ) {}
}

export const SUM = new Op(1, "SUM");
export const PROD = new Op(2, "PROD");
export const MIN = new Op(3, "MIN");
export const MAX = new Op(4, "MAX");
export const LAND = new Op(5, "LAND");
export const LOR = new Op(6, "LOR");
export const LXOR = new Op(7, "LXOR");
export const BAND = new Op(8, "BAND");
export const BOR = new Op(9, "BOR");
export const BXOR = new Op(10, "BXOR");
/**
 * On (value, index) pairs, two elements of a typed array each (value, then index: the length
 * is even): the pair with the larger value, of equal values the smaller index. Each rank
 * usually pairs its value with its rank, to learn where the maximum is.
 */
export const MAXLOC = new Op(11, "MAXLOC");
/** As MAXLOC, with the smaller value. */
export const MINLOC = new Op(12, "MINLOC");

/**
 * What a receive or probe found. The first four fields are the ABI's status record, written
 * by the host straight into this object; keep their order.
 */
export class Status {
  source: i32 = ANY_SOURCE;
  tag: i32 = ANY_TAG;
  error: i32 = 0;
  /** Bytes received. */
  count: i32 = 0;

  Get_source(): i32 {
    return this.source;
  }

  Get_tag(): i32 {
    return this.tag;
  }

  Get_error(): i32 {
    return this.error;
  }

  /** Elements of `datatype` received; UNDEFINED if the bytes are not a whole number of them. */
  Get_count(datatype: Datatype = BYTE): i32 {
    return this.count % datatype.size == 0 ? this.count / datatype.size : UNDEFINED;
  }
}
