/// <reference path="../../js/initialize.d.ts" />
// Must fail: the picker's view is PROVIDER_PICKER; "PICKER" is no view.
// check.sh expects the error code written at the end of the marked line, on that line.
Vital.create({
  onExit(m) {
    if (m.view === "PICKER") console.log("closed on the picker"); // error TS2367
  },
});
