/// <reference path="../../js/initialize.d.ts" />
// Must fail: isolation is "iframe" or "shadow" (initialize.js throws a TypeError otherwise);
// tsc reports TS2820 (TS2322 with a "Did you mean" for a near-miss string).
// check.sh expects the error code written at the end of the marked line, on that line.
Vital.create({
  isolation: "frame", // error TS2820
});
