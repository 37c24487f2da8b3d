/** Where the scaler's service writes what it does; injected so tests can listen. */
export type Log = (
  level: "info" | "warn" | "error",
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** Writes one line per event to stderr: `scaler <level>: <message> {fields}`. */
export const stderrLog: Log = (level, message, fields) => {
  process.stderr.write(
    `scaler ${level}: ${message}${fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : ""}\n`,
  );
};

/** Discards everything (tests that do not care). */
export const silentLog: Log = () => undefined;
