// A two-line chart of messages per second, drawn on a canvas by hand: a grid,
// a scale rounded to a nice number, and the in and out series.

const COLORS = { in: "#3a7bf2", out: "#f26b3a" };

/** A round number at or above `value` (1, 2, 5, 10, 20, 50, …). */
function niceCeiling(value) {
  if (value <= 5) return 5;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** Draws `samples` (`[{ in, out }]`, oldest first) over `slots` seconds. */
export function drawRates(canvas, samples, slots = 60) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);

  const styles = getComputedStyle(document.documentElement);
  const muted = styles.getPropertyValue("--muted").trim() || "#888";
  const line = styles.getPropertyValue("--line").trim() || "#ddd";
  const left = 40;
  const bottom = height - 18;
  const top = 8;
  const max = niceCeiling(Math.max(1, ...samples.flatMap((sample) => [sample.in, sample.out])));
  const x = (index) => left + ((width - left - 4) * index) / (slots - 1);
  const y = (value) => bottom - ((bottom - top) * value) / max;

  context.font = "11px system-ui, sans-serif";
  context.fillStyle = muted;
  context.strokeStyle = line;
  context.lineWidth = 1;
  // 5 steps for 5, 10, 50, 100…; 4 for 20, 200…: round labels either way.
  const steps = String(max).startsWith("2") ? 4 : 5;
  for (let step = 0; step <= steps; step++) {
    const value = (max * step) / steps;
    context.beginPath();
    context.moveTo(left, Math.round(y(value)) + 0.5);
    context.lineTo(width, Math.round(y(value)) + 0.5);
    context.stroke();
    context.fillText(String(Math.round(value)), 4, y(value) + 4);
  }
  context.fillText(`${slots} s ago`, left, height - 4);
  context.fillText("now", width - 26, height - 4);

  const offset = slots - samples.length;
  for (const key of ["in", "out"]) {
    context.beginPath();
    samples.forEach((sample, index) => {
      const point = [x(offset + index), y(sample[key])];
      if (index === 0) context.moveTo(...point);
      else context.lineTo(...point);
    });
    context.strokeStyle = COLORS[key];
    context.lineWidth = 2;
    context.lineJoin = "round";
    context.stroke();
  }
}
