// The functions the embedding host provides in the `env` import module, beside the rank's
// memory (env.memory). Declared apart because the formatter cannot read decorated functions.

/** The function to integrate, chosen by the host. */
// @ts-ignore: decorator
@external("env", "integrand")
export declare function integrand(x: f64): f64;

/** Hands the host a rank's result. */
// @ts-ignore: decorator
@external("env", "publish")
export declare function publish(rank: i32, value: f64): void;
