// The Insurance Form's "Fill in from the NPI registry" (verification/npi_views.py answers in JSON).
// Progressive enhancement: without JavaScript the box stays hidden and the form works as before.
// The button shows once the NPI field holds a valid NPI (10 digits, Luhn check with prefix 80840);
// it fills the licence rows (state, number, licence type) and shows the registry's name,
// credential and practice address to compare. Every outcome is said in a live region.
(() => {
  const box = document.querySelector("[data-npi-prefill]");
  const input = document.querySelector('input[name="npi"]');
  if (!box || !input) return;
  const button = box.querySelector("[data-npi-prefill-button]");
  const status = box.querySelector("[data-npi-prefill-status]");
  const found = box.querySelector("[data-npi-prefill-found]");

  const typed = () => input.value.replace(/[\s-]/g, "");
  const luhn = (number) =>
    [...number].reverse().reduce((sum, char, index) => {
      let digit = Number(char);
      if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      return sum + digit;
    }, 0) % 10 === 0;
  const valid = (npi) => /^[12][0-9]{9}$/.test(npi) && luhn(`80840${npi}`);

  function offer() {
    box.hidden = !valid(typed());
  }
  input.addEventListener("input", offer);
  offer();

  function setValue(field, value) {
    if (!field || !value) return;
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The row a registry licence goes in: the row that already holds this licence (same state and
  // number), else a row with this state and no number yet, else an empty row, else a new one. A
  // row holding a number the provider typed is never overwritten with a different one, so two
  // licences in one state get a row each.
  const norm = (value) => (value || "").replace(/[\s-]/g, "").toUpperCase();
  function rowFor(section, license) {
    const rows = [...section.querySelectorAll("[data-formset-rows] > [data-formset-index]")].filter((row) => !row.hidden);
    const stateOf = (row) => row.querySelector('[name$="-state"]')?.value || "";
    const numberOf = (row) => norm(row.querySelector('[name$="-number"]')?.value);
    const same = rows.find((row) => stateOf(row) === license.state && numberOf(row) === norm(license.number));
    if (same) return same;
    const stateOnly = rows.find((row) => stateOf(row) === license.state && !numberOf(row));
    if (stateOnly) return stateOnly;
    const empty = rows.find((row) => !stateOf(row) && !numberOf(row));
    if (empty) return empty;
    const add = section.querySelector("[data-formset-add]");
    if (!add || add.disabled) return null;
    add.click();
    const all = section.querySelectorAll("[data-formset-rows] > [data-formset-index]");
    return all[all.length - 1];
  }

  function fillLicenses(licenses) {
    const section = document.querySelector('[data-formset="licenses"]');
    if (!section) return [];
    const filled = [];
    for (const license of licenses) {
      const row = rowFor(section, license);
      if (!row) break;
      setValue(row.querySelector('[name$="-state"]'), license.state);
      setValue(row.querySelector('[name$="-number"]'), license.number);
      setValue(row.querySelector('[name$="-license_type"]'), license.license_type);
      filled.push(license.state);
    }
    return filled;
  }

  function showFound(answer) {
    for (const key of ["name", "credential", "practice_address"]) {
      const item = found.querySelector(`[data-npi-prefill-${key}]`);
      item.textContent = answer[key] || "Not in the registry";
    }
    found.hidden = false;
  }

  // Busy, not disabled: a disabled button would drop the keyboard's focus to the page's start.
  let busy = false;
  button.addEventListener("click", async () => {
    if (busy) return;
    busy = true;
    button.setAttribute("aria-busy", "true");
    status.textContent = "Asking the NPI registry…";
    try {
      const response = await fetch(`${box.dataset.url}?npi=${encodeURIComponent(typed())}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const answer = await response.json();
      if (answer.status !== "found") {
        found.hidden = true;
        status.textContent = answer.message;
        return;
      }
      const filled = fillLicenses(answer.licenses);
      button.focus(); // "Add another" moves focus to the row it adds; stay on the button pressed
      showFound(answer);
      const count = filled.length;
      status.textContent =
        answer.message +
        (count
          ? `Filled in ${count} ${count === 1 ? "licence" : "licences"} from the NPI registry (${filled.join(", ")}). ` +
            "Please check them and add each expiry date."
          : "The NPI registry lists no licence numbers for this NPI. Please fill in your licences yourself.");
    } catch {
      status.textContent = "The NPI registry could not be reached. Please fill in your licences yourself.";
    } finally {
      busy = false;
      button.removeAttribute("aria-busy");
    }
  });
})();
