/// <reference path="../../js/initialize.d.ts" />
// Must fail: onExit's error_type is "user_cancelled" or null, never an error screen's type.
// check.sh expects the error code written at the end of the marked line, on that line.
Vital.create({
  onExit(m) {
    if (m.error_type === "token_expired") console.log("expired"); // error TS2367
  },
});
