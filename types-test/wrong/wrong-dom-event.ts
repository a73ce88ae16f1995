/// <reference path="../../js/initialize.d.ts" />
// Must fail: vital-link:exit's detail is the exit metadata, which has no auth_type.
// check.sh expects the error code written at the end of the marked line, on that line.
document.addEventListener("vital-link:exit", (e) => console.log(e.detail.auth_type)); // error TS2339
