// Draws the ratios of a bench report as an SVG bar chart. Every bar is "times
// better than": the ratio for metrics where higher is better, its inverse where
// lower is better, on a log scale so that 2× better and 2× worse look alike.
// Usage as a script: node bench/chart.mjs bench/results/full.json > bench/results/full.svg

const WIDTH = 760;
const LABEL = 270;
const ROW = 26;
const MIN = 0.25;
const MAX = 4;

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function advantage(row, ratio) {
  return row.better === "higher" ? ratio : 1 / ratio;
}

export function drawChart(rows, meta) {
  const plotted = rows.filter((row) => Number.isFinite(row.ratioSocketIo));
  const plotWidth = WIDTH - LABEL - 60;
  const x = (factor) =>
    LABEL + (Math.log(Math.min(MAX, Math.max(MIN, factor)) / MIN) / Math.log(MAX / MIN)) * plotWidth;
  const height = 70 + plotted.length * ROW + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">enchufe: times better than socket.io 4.8 (blue) and raw ws (grey)</text>`,
    `<text x="10" y="40" fill="#555">${escape(`${meta.mode} run, ${meta.cores} cores, Node ${meta.node}, medians; ▲ marks issue #3's target vs socket.io`)}</text>`,
  ];
  for (const tick of [0.25, 0.5, 1, 2, 4]) {
    parts.push(
      `<line x1="${x(tick)}" y1="55" x2="${x(tick)}" y2="${height - 30}" stroke="${tick === 1 ? "#000" : "#ddd"}"/>`,
      `<text x="${x(tick)}" y="${height - 15}" text-anchor="middle" fill="#555">${tick}×</text>`,
    );
  }
  plotted.forEach((row, index) => {
    const y = 60 + index * ROW;
    const vsSocketIo = advantage(row, row.ratioSocketIo);
    const vsWs = advantage(row, row.ratioWs);
    parts.push(`<text x="${LABEL - 8}" y="${y + 14}" text-anchor="end">${escape(row.label)}</text>`);
    const bar = (factor, offset, color) => {
      if (!Number.isFinite(factor)) return;
      const [from, to] = [x(1), x(factor)].sort((a, b) => a - b);
      parts.push(`<rect x="${from}" y="${y + offset}" width="${Math.max(1, to - from)}" height="9" fill="${color}"/>`);
    };
    bar(vsSocketIo, 2, "#2b6cb0");
    bar(vsWs, 12, "#a0aec0");
    parts.push(
      `<text x="${x(Math.max(1, Math.min(MAX, vsSocketIo))) + 4}" y="${y + 10}" fill="#2b6cb0">${vsSocketIo.toFixed(2)}×</text>`,
    );
    if (row.target !== undefined) {
      const goal = x(advantage(row, row.target));
      parts.push(
        `<path d="M ${goal - 4} ${y + 22} L ${goal + 4} ${y + 22} L ${goal} ${y + 15} Z" fill="${row.met ? "#2f855a" : "#c53030"}"/>`,
      );
    }
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync } = await import("node:fs");
  const { rows, meta } = JSON.parse(readFileSync(process.argv[2], "utf8"));
  process.stdout.write(drawChart(rows, meta));
}
