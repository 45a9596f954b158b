// After a submission with mistakes, take the provider straight to the first one.
document.addEventListener("DOMContentLoaded", () => {
  const firstInvalid = document.querySelector("main .is-invalid");
  if (firstInvalid) {
    firstInvalid.scrollIntoView({ block: "center", behavior: "instant" });
    firstInvalid.focus({ preventScroll: true });
  }
});
