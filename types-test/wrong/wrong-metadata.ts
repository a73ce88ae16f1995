/// <reference path="../../js/initialize.d.ts" />
// Must fail: SuccessMetadata has provider_name, not provider_nme.
// check.sh expects the error code written at the end of the marked line, on that line.
Vital.create({
  onSuccess(m) {
    console.log(m.provider_nme); // error TS2551
  },
});
