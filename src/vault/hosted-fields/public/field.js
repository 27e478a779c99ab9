// One hosted field, on the vault's origin. What the payer types stays in this frame: the agency's
// page is told only whether the field is valid or empty, the card brand and the last four digits;
// the value itself goes only to the coordinator frame (same origin) when it asks for a token.
(() => {
  const params = new URLSearchParams(location.search);
  // The server checked this origin against the agency's registered origins before serving the page.
  const parentOrigin = params.get("origin");
  const fieldName = params.get("field");
  const channel = location.hash.slice(1);
  if (!parentOrigin || !/^[A-Za-z0-9_-]{16,64}$/.test(channel)) return;

  // The same brands, ranges and lengths as the vault's own check (src/vault/domain/card.ts).
  const cardBrands = [
    { brand: "amex", prefix: /^3[47]/, lengths: [15] },
    { brand: "visa", prefix: /^4/, lengths: [13, 16, 19] },
    { brand: "mastercard", prefix: /^(5[1-5]|222[1-9]|22[3-9]|2[3-6]|27[01]|2720)/, lengths: [16] },
    { brand: "discover", prefix: /^(6011|64[4-9]|65|622(12[6-9]|1[3-9]|[2-8]|9[01]|92[0-5]))/, lengths: [16, 17, 18, 19] },
  ];
  const unknownBrand = { brand: "unknown", lengths: [12, 13, 14, 15, 16, 17, 18, 19] };

  const fields = {
    number: {
      label: "Card number",
      placeholder: "1234 1234 1234 1234",
      autocomplete: "cc-number",
      read(text) {
        const digits = onlyDigits(text).slice(0, 19);
        const { brand, lengths } = cardBrand(digits);
        const valid = lengths.includes(digits.length) && luhnValid(digits);
        const groups = brand === "amex" ? [4, 6, 5] : [4, 4, 4, 4, 3];
        return {
          display: groupDigits(digits, groups),
          value: digits,
          valid,
          empty: digits === "",
          brand,
          last4: valid ? digits.slice(-4) : undefined,
        };
      },
    },
    expiry: {
      label: "Expiration date, month and year",
      placeholder: "MM / YY",
      autocomplete: "cc-exp",
      read(text, typing) {
        let digits = onlyDigits(text).slice(0, 6);
        if (/^[2-9]$/.test(digits)) digits = `0${digits}`; // "4" can only mean April
        const yearDigits = digits.slice(2);
        const display = digits.length > 2 || (digits.length === 2 && typing) ? `${digits.slice(0, 2)} / ${yearDigits}` : digits;
        const month = Number(digits.slice(0, 2));
        const year = yearDigits.length === 2 ? 2000 + Number(yearDigits) : yearDigits.length === 4 ? Number(yearDigits) : Number.NaN;
        // By month in UTC, as the vault checks it: a card is good through its expiry month.
        const now = new Date();
        const thisYear = now.getUTCFullYear();
        const valid =
          month >= 1 && month <= 12 && year <= thisYear + 20 && (year > thisYear || (year === thisYear && month >= now.getUTCMonth() + 1));
        return { display, value: valid ? { exp_month: month, exp_year: year } : undefined, valid, empty: digits === "" };
      },
    },
    cvc: {
      label: "Security code",
      placeholder: "CVC",
      autocomplete: "cc-csc",
      read(text) {
        const digits = onlyDigits(text).slice(0, 4);
        const lengths = siblingBrand === "amex" ? [4] : siblingBrand === "unknown" ? [3, 4] : [3];
        return { display: digits, value: digits, valid: lengths.includes(digits.length), empty: digits === "" };
      },
    },
    postal_code: {
      label: "ZIP or postal code",
      placeholder: "ZIP",
      autocomplete: "postal-code",
      inputMode: "text",
      read(text) {
        const display = text
          .toUpperCase()
          .replace(/[^A-Z0-9 -]/g, "")
          .slice(0, 10);
        const value = display.trim();
        return { display, value, valid: /^[A-Z0-9][A-Z0-9 -]{1,8}[A-Z0-9]$/.test(value), empty: value === "" };
      },
    },
    routing_number: {
      label: "Routing number",
      placeholder: "9 digits",
      autocomplete: "off",
      read(text) {
        const digits = onlyDigits(text).slice(0, 9);
        return { display: digits, value: digits, valid: digits.length === 9 && routingChecksumValid(digits), empty: digits === "" };
      },
    },
    account_number: {
      label: "Account number",
      placeholder: "Account number",
      autocomplete: "off",
      read(text) {
        const digits = onlyDigits(text).slice(0, 17);
        const valid = digits.length >= 4;
        return { display: digits, value: digits, valid, empty: digits === "", last4: valid ? digits.slice(-4) : undefined };
      },
    },
    account_type: {
      label: "Account type",
      options: [
        ["checking", "Checking"],
        ["savings", "Savings"],
      ],
      read(text) {
        return { display: text, value: text, valid: text === "checking" || text === "savings", empty: false };
      },
    },
  };

  const spec = fields[fieldName];
  if (!spec) return;

  // Only properties that change how text looks: nothing that loads a resource or moves the field.
  const allowedProperties = new Set([
    "color",
    "background-color",
    "caret-color",
    "font-family",
    "font-size",
    "font-style",
    "font-variant",
    "font-weight",
    "letter-spacing",
    "line-height",
    "outline",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "text-align",
    "text-decoration",
    "text-shadow",
    "text-transform",
  ]);
  const allowedFunctions = new Set(["rgb", "rgba", "hsl", "hsla", "calc"]);
  const stateSelectors = {
    base: ".control",
    focus: ".control:focus",
    valid: ".control.valid",
    invalid: ".control.invalid",
    placeholder: ".control::placeholder",
  };

  const bus = new BroadcastChannel(`remit:${channel}`);
  let siblingBrand = "unknown";
  let focused = false;
  let baseRuleCount;

  const control = document.createElement(spec.options ? "select" : "input");
  control.className = "control";
  control.id = "control";
  control.setAttribute("aria-label", spec.label);
  if (spec.options) {
    for (const [value, text] of spec.options) control.append(new Option(text, value));
  } else {
    control.type = "text";
    control.inputMode = spec.inputMode ?? "numeric";
    control.autocomplete = spec.autocomplete;
    control.placeholder = spec.placeholder;
    control.spellcheck = false;
    control.setAttribute("autocorrect", "off");
    control.setAttribute("autocapitalize", "off");
  }
  document.body.append(control);
  let state = spec.read(control.value, false);

  control.addEventListener("input", (event) => refresh(event.inputType?.startsWith("insert") ?? false));
  control.addEventListener("change", () => refresh(false));
  control.addEventListener("focus", () => {
    focused = true;
    mark();
    postToParent({ type: "focus", field: fieldName });
  });
  control.addEventListener("blur", () => {
    focused = false;
    mark();
    postToParent({ type: "blur", field: fieldName });
  });

  window.addEventListener("message", (event) => {
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    const message = event.data;
    if (!isObject(message) || message.remit !== channel) return;
    if (message.type === "configure") configure(message);
    if (message.type === "focus") control.focus();
    if (message.type === "clear") {
      control.value = spec.options ? spec.options[0][0] : "";
      refresh(false);
    }
  });

  bus.addEventListener("message", (event) => {
    const message = event.data;
    if (!isObject(message)) return;
    if (message.type === "collect") {
      bus.postMessage({
        type: "value",
        requestId: message.requestId,
        field: fieldName,
        valid: state.valid,
        empty: state.empty,
        value: state.value,
      });
    }
    if (message.type === "brand" && fieldName === "cvc" && typeof message.brand === "string") {
      siblingBrand = message.brand;
      refresh(false);
    }
  });

  // The base stylesheet must be loaded before agency rules can be added to it.
  window.addEventListener("load", () => postToParent({ type: "ready", field: fieldName }));

  function refresh(typing) {
    const next = spec.read(control.value, typing);
    if (!spec.options && control.value !== next.display) {
      const digitsBeforeCaret = onlyDigits(control.value.slice(0, control.selectionStart ?? control.value.length)).length;
      control.value = next.display;
      const caret = caretAfterDigits(next.display, digitsBeforeCaret);
      control.setSelectionRange(caret, caret);
    }
    const changed = next.valid !== state.valid || next.empty !== state.empty || next.brand !== state.brand || next.last4 !== state.last4;
    if (next.brand !== state.brand) bus.postMessage({ type: "brand", brand: next.brand });
    state = next;
    mark();
    if (changed) postToParent(publicState());
  }

  function publicState() {
    const message = { type: "change", field: fieldName, valid: state.valid, empty: state.empty };
    if (state.brand !== undefined) message.brand = state.brand;
    if (state.last4 !== undefined) message.last4 = state.last4;
    return message;
  }

  function mark() {
    const invalid = !state.valid && !state.empty && !focused;
    control.classList.toggle("valid", state.valid && !state.empty);
    control.classList.toggle("invalid", invalid);
    control.setAttribute("aria-invalid", String(invalid));
  }

  function configure(message) {
    const label = text(message.label, 100);
    if (label) control.setAttribute("aria-label", label);
    const placeholder = text(message.placeholder, 60);
    if (placeholder !== undefined && !spec.options) control.placeholder = placeholder;
    const lang = text(message.lang, 12);
    if (lang && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/.test(lang)) document.documentElement.lang = lang;
    applyStyle(isObject(message.style) ? message.style : {});
  }

  function applyStyle(style) {
    const sheet = document.styleSheets[0];
    baseRuleCount ??= sheet.cssRules.length;
    while (sheet.cssRules.length > baseRuleCount) sheet.deleteRule(sheet.cssRules.length - 1);
    for (const [stateName, selector] of Object.entries(stateSelectors)) {
      const declarations = style[stateName];
      if (!isObject(declarations)) continue;
      const rule = sheet.cssRules[sheet.insertRule(`${selector} {}`, sheet.cssRules.length)];
      for (const [name, value] of Object.entries(declarations)) {
        const property = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
        const safe = safeStyleValue(value);
        if (!allowedProperties.has(property) || safe === undefined) {
          console.warn(
            `Remit: the style ${stateName}.${name} was dropped: only plain values of ${[...allowedProperties].join(", ")} are allowed`,
          );
          continue;
        }
        // setProperty parses one value of one property, so a value cannot open another rule.
        rule.style.setProperty(property, safe);
      }
    }
  }

  function safeStyleValue(value) {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    const textValue = String(value).trim();
    if (textValue.length > 100 || /url\s*\(|[\\;{}<>@!]|\/\*/i.test(textValue)) return undefined;
    for (const match of textValue.matchAll(/([a-z-]*)\s*\(/gi)) {
      if (!allowedFunctions.has(match[1].toLowerCase())) return undefined;
    }
    return textValue;
  }

  function postToParent(message) {
    window.parent.postMessage({ remit: channel, ...message }, parentOrigin);
  }

  function text(value, lengthMax) {
    return typeof value === "string" ? value.slice(0, lengthMax) : undefined;
  }

  function isObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
  }

  function onlyDigits(text) {
    return text.replace(/\D/g, "");
  }

  function groupDigits(digits, groups) {
    const parts = [];
    let start = 0;
    for (const size of groups) {
      if (start >= digits.length) break;
      parts.push(digits.slice(start, start + size));
      start += size;
    }
    return parts.join(" ");
  }

  function caretAfterDigits(display, digitCount) {
    let seen = 0;
    for (let i = 0; i < display.length; i++) {
      if (seen === digitCount) return i;
      if (/\d/.test(display[i])) seen++;
    }
    return display.length;
  }

  function cardBrand(digits) {
    return cardBrands.find((candidate) => candidate.prefix.test(digits)) ?? unknownBrand;
  }

  function luhnValid(digits) {
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let digit = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) {
        digit *= 2;
        if (digit > 9) digit -= 9;
      }
      sum += digit;
    }
    return digits.length > 0 && sum % 10 === 0;
  }

  // As the vault checks it: a prefix the ABA assigns, and a weighted check digit (weights 3, 7, 1).
  function routingChecksumValid(digits) {
    const prefix = Number(digits.slice(0, 2));
    const prefixValid = prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
    const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
    const sum = weights.reduce((total, weight, i) => total + weight * Number(digits[i]), 0);
    return prefixValid && digits !== "000000000" && sum % 10 === 0;
  }
})();
