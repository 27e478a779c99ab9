// Remit hosted fields, loaded by an agency's payment page from the vault:
//   <script src="https://vault.example.gov/v1/remit.js" integrity="sha384-…" crossorigin="anonymous"></script>
// It mounts one vault iframe per field and a hidden coordinator iframe that alone asks the vault
// for tokens. This page never sees what the payer types: only {valid, empty, brand, last4} per
// field and, at the end, the token.
(() => {
  const loaderOrigin = document.currentScript ? new URL(document.currentScript.src).origin : undefined;
  const readyTimeoutMs = 15000;
  const tokenTimeoutMs = 30000;

  // Option name on this page → field name inside the vault's frames.
  const forms = {
    card: {
      fields: { number: "number", expiry: "expiry", cvc: "cvc", postalCode: "postal_code" },
      required: ["number", "expiry", "cvc"],
      details: {},
    },
    bank_account: {
      fields: { routingNumber: "routing_number", accountNumber: "account_number", accountType: "account_type" },
      required: ["routing_number", "account_number"],
      details: { accountHolderName: "account_holder_name", accountType: "account_type" },
    },
  };
  const titles = {
    number: "Card number",
    expiry: "Card expiration date",
    cvc: "Card security code",
    postal_code: "ZIP or postal code",
    routing_number: "Bank routing number",
    account_number: "Bank account number",
    account_type: "Bank account type",
  };

  class RemitError extends Error {
    constructor(code, message, field) {
      super(message);
      this.name = "RemitError";
      this.code = code;
      if (field) this.field = field;
    }
  }

  function Remit(publishableKey, options = {}) {
    if (typeof publishableKey !== "string" || !/^pk_(test|live)_[0-9A-Za-z]+$/.test(publishableKey)) {
      throw new Error("Remit needs a publishable key (pk_test_… or pk_live_…). Never put a secret key (rk_…) in a web page.");
    }
    const vaultUrl = options.vaultUrl ?? loaderOrigin;
    if (!vaultUrl) throw new Error("Remit could not tell the vault's address: pass { vaultUrl }");
    const vaultOrigin = new URL(vaultUrl).origin;
    return {
      cardFields: (fieldOptions) => mountFields({ publishableKey, vaultOrigin, form: "card", options: fieldOptions ?? {} }),
      bankAccountFields: (fieldOptions) => mountFields({ publishableKey, vaultOrigin, form: "bank_account", options: fieldOptions ?? {} }),
    };
  }

  function mountFields({ publishableKey, vaultOrigin, form, options }) {
    const spec = forms[form];
    const channel = randomId();
    const listeners = new Map();
    const pending = new Map();
    const frames = [];
    const states = {};

    const frameUrl = (page, field) => {
      const query = new URLSearchParams({ key: publishableKey, origin: location.origin, form });
      if (field) query.set("field", field);
      return `${vaultOrigin}/v1/hosted/${page}?${query}#${channel}`;
    };

    for (const [optionName, field] of Object.entries(spec.fields)) {
      const target = options[optionName];
      if (target === undefined) continue;
      const host = typeof target === "string" ? document.querySelector(target) : target;
      if (!(host instanceof Element)) throw new Error(`Remit: no element matches ${optionName}: ${String(target)}`);
      const iframe = document.createElement("iframe");
      iframe.title = titles[field];
      iframe.src = frameUrl("field", field);
      iframe.setAttribute("scrolling", "no");
      iframe.style.display = "block";
      iframe.style.border = "0";
      iframe.style.width = "100%";
      iframe.style.height = options.height ?? "2.5rem";
      host.replaceChildren(iframe);
      host.classList.add("remit-field", "remit-empty");
      frames.push({ field, iframe, host, ready: false });
    }
    const missing = spec.required.find((field) => !frames.some((frame) => frame.field === field));
    if (missing) throw new Error(`Remit: the ${missing} field is required; give an element for it`);

    const coordinatorFrame = document.createElement("iframe");
    coordinatorFrame.src = frameUrl("coordinator");
    coordinatorFrame.title = "Remit payment coordinator";
    coordinatorFrame.tabIndex = -1;
    coordinatorFrame.setAttribute("aria-hidden", "true");
    coordinatorFrame.style.display = "none";
    document.body.append(coordinatorFrame);
    const coordinator = { field: undefined, iframe: coordinatorFrame, host: undefined, ready: false };
    const allFrames = [...frames, coordinator];

    const readyTimer = setTimeout(() => {
      if (allFrames.every((frame) => frame.ready)) return;
      const error = new RemitError(
        "fields_not_ready",
        `Remit: the vault's fields did not load. Check that ${location.origin} is a registered origin of the agency that owns this key.`,
      );
      console.error(error.message);
      emit("error", { code: error.code, message: error.message });
    }, readyTimeoutMs);

    window.addEventListener("message", onMessage);

    function onMessage(event) {
      if (event.origin !== vaultOrigin) return;
      const frame = allFrames.find((candidate) => candidate.iframe.contentWindow === event.source);
      const message = event.data;
      if (!frame || typeof message !== "object" || message === null || message.remit !== channel) return;
      if (message.type === "ready") {
        frame.ready = true;
        if (frame.field) send(frame, { type: "configure", style: options.style, lang: options.lang, ...frameText(frame.field) });
        if (allFrames.every((candidate) => candidate.ready)) {
          clearTimeout(readyTimer);
          emit("ready", {});
        }
      } else if (frame === coordinator) {
        if (message.type === "token") settle(message);
      } else if (message.type === "change" && message.field === frame.field) {
        const state = { field: frame.field, valid: message.valid === true, empty: message.empty === true };
        if (typeof message.brand === "string") state.brand = message.brand;
        if (typeof message.last4 === "string" && /^\d{4}$/.test(message.last4)) state.last4 = message.last4;
        states[frame.field] = state;
        frame.host.classList.toggle("remit-valid", state.valid);
        frame.host.classList.toggle("remit-empty", state.empty);
        frame.host.classList.toggle("remit-invalid", !state.valid && !state.empty);
        emit("change", state);
      } else if ((message.type === "focus" || message.type === "blur") && message.field === frame.field) {
        frame.host.classList.toggle("remit-focus", message.type === "focus");
        emit(message.type, { field: frame.field });
      }
    }

    function frameText(field) {
      const optionName = Object.keys(spec.fields).find((name) => spec.fields[name] === field);
      return { label: options.labels?.[optionName], placeholder: options.placeholders?.[optionName] };
    }

    function settle(message) {
      const request = pending.get(message.requestId);
      if (!request) return;
      pending.delete(message.requestId);
      clearTimeout(request.timer);
      if (message.token && typeof message.token.id === "string") request.resolve(message.token);
      else {
        const error = message.error ?? {};
        request.reject(
          new RemitError(String(error.code ?? "vault_error"), String(error.message ?? "The vault refused the request"), error.field),
        );
      }
    }

    function send(frame, message) {
      frame.iframe.contentWindow?.postMessage({ remit: channel, ...message }, vaultOrigin);
    }

    function emit(name, payload) {
      for (const listener of listeners.get(name) ?? []) listener(payload);
    }

    const fields = {
      on(name, listener) {
        if (!listeners.has(name)) listeners.set(name, []);
        listeners.get(name).push(listener);
        return fields;
      },
      /** The last {field, valid, empty, brand?, last4?} each field reported. */
      state() {
        return { ...states };
      },
      focus(optionName) {
        const frame = frames.find((candidate) => candidate.field === spec.fields[optionName]);
        if (frame) send(frame, { type: "focus" });
      },
      clear() {
        for (const frame of frames) send(frame, { type: "clear" });
      },
      createToken(extra = {}) {
        return new Promise((resolve, reject) => {
          if (!allFrames.every((frame) => frame.ready)) {
            reject(new RemitError("fields_not_ready", "The payment fields have not finished loading"));
            return;
          }
          const details = {};
          for (const [name, wireName] of Object.entries(spec.details)) {
            if (typeof extra[name] === "string") details[wireName] = extra[name];
          }
          const requestId = randomId();
          const timer = setTimeout(() => {
            pending.delete(requestId);
            reject(new RemitError("network_error", "The vault did not answer in time; try again"));
          }, tokenTimeoutMs);
          pending.set(requestId, { resolve, reject, timer });
          send(coordinator, { type: "tokenize", requestId, fields: frames.map((frame) => frame.field), details });
        });
      },
      unmount() {
        clearTimeout(readyTimer);
        window.removeEventListener("message", onMessage);
        for (const frame of allFrames) frame.iframe.remove();
        for (const request of pending.values()) {
          clearTimeout(request.timer);
          request.reject(new RemitError("unmounted", "The payment fields were removed"));
        }
        pending.clear();
      },
    };
    return fields;
  }

  // 128 random bits in base64url: hard to guess, and all but never a long run of digits (the shape of a card number).
  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  }

  window.Remit = Remit;
})();
