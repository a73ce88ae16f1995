/// <reference path="../../js/initialize.d.ts" />
// Must fail: a misspelled option (onSucess) is not a known property of CreateOptions.
// check.sh expects the error code written at the end of the marked line, on that line.
Vital.create({
  env: "sandbox",
  onSucess: (m: VitalLink.SuccessMetadata) => console.log(m.provider), // error TS2561
});
