// After a submission with mistakes, take the provider straight to the first one.
document.addEventListener("DOMContentLoaded", () => {
  const firstInvalid = document.querySelector("main .is-invalid");
  if (firstInvalid) {
    firstInvalid.scrollIntoView({ block: "center", behavior: "instant" });
    firstInvalid.focus({ preventScroll: true });
  }
});

// Repeatable sections (work history, licenses, education): "Add another" clones the empty row
// Django renders in a <template>, numbering it as the formset's next form. It stops at the
// section's MAX_NUM_FORMS (the server refuses more rows anyway) and says why.
function formsetAtMost(section) {
  const prefix = section.dataset.formset;
  const total = Number(section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`).value);
  const most = Number(section.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`).value);
  const full = total >= most;
  const button = section.querySelector("[data-formset-add]");
  button.disabled = full;
  section.querySelector("[data-formset-full]").hidden = !full;
  return full;
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-formset]").forEach(formsetAtMost);
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const section = button.closest("[data-formset]");
  if (formsetAtMost(section)) return;
  const prefix = section.dataset.formset;
  const total = section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  const index = Number(total.value);
  const html = section.querySelector("template[data-formset-template]").innerHTML.replaceAll("__prefix__", index);
  section.querySelector("[data-formset-rows]").insertAdjacentHTML("beforeend", html);
  total.value = index + 1;
  section.querySelector("[data-formset-rows]").lastElementChild.querySelector("input, select, textarea")?.focus();
  formsetAtMost(section);
});
