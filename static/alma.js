// After a submission with mistakes, take the provider straight to the first one.
document.addEventListener("DOMContentLoaded", () => {
  const firstInvalid = document.querySelector("main .is-invalid");
  if (firstInvalid) {
    firstInvalid.scrollIntoView({ block: "center", behavior: "instant" });
    firstInvalid.focus({ preventScroll: true });
  }
});

// Repeatable sections (work history, licenses, education): "Add another" clones the empty row
// Django renders in a <template>, numbering it as the formset's next form.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const section = button.closest("[data-formset]");
  const prefix = section.dataset.formset;
  const total = section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const index = Number(total.value);
  const html = section.querySelector("template[data-formset-template]").innerHTML.replaceAll("__prefix__", index);
  section.querySelector("[data-formset-rows]").insertAdjacentHTML("beforeend", html);
  total.value = index + 1;
  section.querySelector("[data-formset-rows]").lastElementChild.querySelector("input, select, textarea")?.focus();
});
