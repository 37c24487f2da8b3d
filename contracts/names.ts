import * as v from "valibot";

/** Pool names: lower-case DNS-label style, 1 to 63 characters. */
export const POOL_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Origin ids: like pool names, also allowing `_` and `.`; unique in the whole table. */
export const ORIGIN_ID_PATTERN = /^[a-z0-9][a-z0-9-_.]{0,62}$/;

export const poolName = v.pipe(
  v.string("must be a string"),
  v.regex(
    POOL_NAME_PATTERN,
    "must be 1-63 lower-case letters, digits or '-', starting with a letter or digit",
  ),
);

export const originId = v.pipe(
  v.string("must be a string"),
  v.regex(
    ORIGIN_ID_PATTERN,
    "must be 1-63 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit",
  ),
);
