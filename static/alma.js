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

// Every row has a Remove button, labelled with its place ("Remove state license 2") for screen
// readers. A row the server already knows (index below INITIAL_FORMS) is removed with the formset's
// DELETE box and hidden; a row added on this page is taken out and the rows after it renumbered,
// so the section's row count (and its limit) goes down again. Focus moves to the next row, or
// the one before, or the "Add another" button, and a live region says what happened.
function formsetVisibleRows(section) {
  return [...section.querySelectorAll("[data-formset-rows] > [data-formset-index]")].filter((row) => !row.hidden);
}

function formsetRelabel(section) {
  const label = section.dataset.formsetLabel;
  formsetVisibleRows(section).forEach((row, position) => {
    row.querySelector("[data-formset-remove]")?.setAttribute("aria-label", `Remove ${label} ${position + 1}`);
  });
}

function formsetRenumber(row, prefix, from, to) {
  const old = `${prefix}-${from}-`;
  const renamed = `${prefix}-${to}-`;
  row.dataset.formsetIndex = to;
  row.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach((element) => {
    for (const attribute of ["name", "id", "for", "aria-describedby"]) {
      const value = element.getAttribute(attribute);
      if (value && value.includes(old)) element.setAttribute(attribute, value.replaceAll(old, renamed));
    }
  });
}

function formsetRemove(row) {
  const section = row.closest("[data-formset]");
  const prefix = section.dataset.formset;
  const rows = formsetVisibleRows(section);
  const position = rows.indexOf(row);
  const neighbour = rows[position + 1] || rows[position - 1];
  const initial = Number(section.querySelector(`input[name="${prefix}-INITIAL_FORMS"]`).value);
  const index = Number(row.dataset.formsetIndex);
  if (index < initial) {
    row.querySelector('[data-formset-delete] input[type="checkbox"]').checked = true;
    row.hidden = true;
  } else {
    const total = section.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    row.remove();
    section.querySelectorAll("[data-formset-rows] > [data-formset-index]").forEach((later) => {
      const laterIndex = Number(later.dataset.formsetIndex);
      if (laterIndex > index) formsetRenumber(later, prefix, laterIndex, laterIndex - 1);
    });
    total.value = Number(total.value) - 1;
    formsetAtMost(section);
  }
  formsetRelabel(section);
  section.querySelector("[data-formset-status]").textContent =
    `${section.dataset.formsetLabel[0].toUpperCase()}${section.dataset.formsetLabel.slice(1)} ${position + 1} removed.`;
  const focusTo = neighbour?.querySelector("input:not([type=hidden]), select, textarea");
  (focusTo || section.querySelector("[data-formset-add]")).focus();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-remove]");
  if (button) formsetRemove(button.closest("[data-formset-index]"));
});

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-formset]").forEach((section) => {
    formsetAtMost(section);
    // With JavaScript, the Remove button stands in for the "Remove this ..." box.
    section.querySelectorAll("[data-formset-rows] > [data-formset-index]").forEach((row) => {
      const box = row.querySelector("[data-formset-delete]");
      if (box) box.hidden = true;
      if (box?.querySelector("input").checked) row.hidden = true;
      const remove = row.querySelector("[data-formset-remove]");
      if (remove) remove.hidden = false;
    });
    formsetRelabel(section);
  });
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
  formsetRelabel(section);
  section.querySelector("[data-formset-rows]").lastElementChild.querySelector("input, select, textarea")?.focus();
  formsetAtMost(section);
});
