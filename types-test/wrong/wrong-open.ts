/// <reference path="../../js/initialize.d.ts" />
// Must fail: open() takes the token string or {link_token}, not {token}.
// check.sh expects the error code written at the end of the marked line, on that line.
Vital.create().open({ token: "abc" }); // error TS2353
