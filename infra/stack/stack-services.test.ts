import { describe, expect, it } from "vitest";
import { trainsLstm } from "./stack-services.ts";

describe("trainsLstm", () => {
  it("runs the LSTM in a process of its own beside a classical model, as in the default demo", () => {
    expect(trainsLstm({ models: ["seasonal-naive", "holt-winters", "lstm"] })).toBe(true);
    expect(trainsLstm({ models: ["lstm", "holt-winters"] })).toBe(true);
  });

  it("starts no LSTM process without the LSTM, nor when it is the only model", () => {
    expect(trainsLstm({ models: ["seasonal-naive", "holt-winters"] })).toBe(false);
    expect(trainsLstm({ models: ["lstm"] })).toBe(false);
  });
});
