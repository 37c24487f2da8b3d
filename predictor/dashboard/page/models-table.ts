import type { Forecast } from "../../../contracts/index.ts";
import { MODEL_KINDS } from "../../../contracts/index.ts";
import { h, replace } from "./dom.ts";
import { ago, num } from "./format.ts";

/** Which model serves each forecast, on which backend, and its backtest accuracy next to the
 * other models' (the baselines): MASE below 1 beats the seasonal-naive forecast. */
export function renderModelsTable(target: HTMLElement, forecasts: readonly Forecast[], now: number): void {
  if (forecasts.length === 0) {
    replace(
      target,
      h(
        "p",
        { class: "empty" },
        "No forecasts yet: a series is forecast once its first model has trained on enough history (the predictor's --min-train-points).",
      ),
    );
    return;
  }
  const head = h(
    "tr",
    null,
    h("th", { attrs: { scope: "col" } }, "Series"),
    h("th", { attrs: { scope: "col" } }, "Served model"),
    h("th", { attrs: { scope: "col" } }, "Backend"),
    h("th", { attrs: { scope: "col" } }, "Trained"),
    h("th", { attrs: { scope: "col" } }, "Forecast made"),
    ...MODEL_KINDS.map((kind) => h("th", { attrs: { scope: "col" }, class: "num" }, `${kind} MASE / sMAPE`)),
  );
  const rows = forecasts.map((f) => {
    const scores = MODEL_KINDS.map((kind) => f.accuracy.byModel[kind]);
    const best = Math.min(...scores.map((s) => s?.mase ?? Infinity));
    return h(
      "tr",
      null,
      h("th", { attrs: { scope: "row" }, class: "mono" }, `${f.origin} · ${f.metric}`),
      h(
        "td",
        null,
        h("span", { class: "pill model" }, f.model.kind),
        h("div", { class: "version mono muted" }, f.model.version),
      ),
      h(
        "td",
        null,
        f.model.backend ??
          h(
            "span",
            { class: "muted", attrs: { title: "plain JavaScript, no TensorFlow backend" } },
            "plain JS",
          ),
      ),
      h("td", null, ago(Date.parse(f.model.trainedAt), now)),
      h("td", null, ago(Date.parse(f.generatedAt), now)),
      ...MODEL_KINDS.map((kind, i) => {
        const score = scores[i];
        if (!score) return h("td", { class: "num muted" }, "not trained");
        const served = kind === f.model.kind;
        return h(
          "td",
          { class: `num${served ? " served" : ""}${score.mase === best ? " best" : ""}` },
          `${num(score.mase, 3)} / ${num(score.smape, 1)} %`,
        );
      }),
    );
  });
  replace(
    target,
    h(
      "div",
      { class: "table-wrap" },
      h("table", { class: "grid-table models-table" }, h("thead", null, head), h("tbody", null, ...rows)),
    ),
    h(
      "p",
      { class: "note" },
      "Backtest on the series' own history (rolling origin). MASE below 1 beats seasonal naive; the served model (highlighted) had the lowest MASE, a tie going to the simpler model.",
    ),
  );
}
