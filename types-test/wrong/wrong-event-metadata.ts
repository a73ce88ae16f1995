/// <reference path="../../js/initialize.d.ts" />
// Must fail: comparing the event name narrows the metadata, and SELECT_PROVIDER has no query.
// check.sh expects the error code written at the end of the marked line, on that line.
Vital.create({
  onEvent(name, metadata) {
    if (name === "SELECT_PROVIDER") console.log(metadata.query); // error TS2339
  },
});
