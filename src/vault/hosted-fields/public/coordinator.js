// The hidden coordinator frame, on the vault's origin: the only frame allowed to reach the network.
// When the agency's page asks for a token it gathers the values from its sibling field frames over
// a same-origin BroadcastChannel, asks the vault for a token and hands back only the token.
(() => {
  const params = new URLSearchParams(location.search);
  // The server checked this origin against the agency's registered origins before serving the page.
  const parentOrigin = params.get("origin");
  const publishableKey = params.get("key");
  const channel = location.hash.slice(1);
  if (!parentOrigin || !publishableKey || !/^[A-Za-z0-9_-]{16,64}$/.test(channel)) return;

  const collectTimeoutMs = 3000;
  const requestTimeoutMs = 20000;

  const forms = {
    card: {
      path: "/v1/tokens/cards",
      fields: ["number", "expiry", "cvc", "postal_code"],
      required: ["number", "expiry", "cvc"],
      invalidCodes: { number: "invalid_card_number", expiry: "invalid_expiry", cvc: "invalid_cvc", postal_code: "invalid_postal_code" },
      body(values) {
        return {
          number: values.number,
          exp_month: values.expiry.exp_month,
          exp_year: values.expiry.exp_year,
          cvc: values.cvc,
          ...(values.postal_code ? { postal_code: values.postal_code } : {}),
        };
      },
      publicToken(body) {
        const card = body.card ?? {};
        return { id: body.id, card: { brand: card.brand, last4: card.last4, exp_month: card.exp_month, exp_year: card.exp_year } };
      },
    },
    bank_account: {
      path: "/v1/tokens/bank-accounts",
      fields: ["routing_number", "account_number", "account_type"],
      required: ["routing_number", "account_number"],
      invalidCodes: {
        routing_number: "invalid_routing_number",
        account_number: "invalid_account_number",
        account_type: "invalid_account_type",
      },
      body(values, details) {
        const holder = typeof details.account_holder_name === "string" ? details.account_holder_name.trim().slice(0, 100) : undefined;
        return {
          routing_number: values.routing_number,
          account_number: values.account_number,
          account_type: values.account_type ?? details.account_type,
          ...(holder ? { account_holder_name: holder } : {}),
        };
      },
      publicToken(body) {
        const account = body.bank_account ?? {};
        return {
          id: body.id,
          bank_account: { last4: account.last4, routing_number: account.routing_number, account_type: account.account_type },
        };
      },
    },
  };
  // The vault's refusals name the field at fault, so the agency's page can point the payer to it.
  const fieldOfCode = {
    invalid_card_number: "number",
    invalid_expiry: "expiry",
    invalid_cvc: "cvc",
    invalid_routing_number: "routing_number",
    invalid_account_number: "account_number",
  };

  const form = forms[params.get("form")];
  if (!form) return;

  const bus = new BroadcastChannel(`remit:${channel}`);
  const collections = new Map();
  let busy = false;

  bus.addEventListener("message", (event) => {
    const message = event.data;
    if (typeof message !== "object" || message === null || message.type !== "value") return;
    collections.get(message.requestId)?.receive(message);
  });

  window.addEventListener("message", (event) => {
    if (event.origin !== parentOrigin || event.source !== window.parent) return;
    const message = event.data;
    if (typeof message !== "object" || message === null || message.remit !== channel || message.type !== "tokenize") return;
    if (typeof message.requestId !== "string") return;
    if (busy) {
      reply(message.requestId, { error: failure("token_request_in_flight", "A token request is already running for these fields") });
      return;
    }
    busy = true;
    tokenize(message)
      .catch(() => ({ error: failure("network_error", "The vault could not be reached; try again") }))
      .then((result) => {
        busy = false;
        reply(message.requestId, result);
      });
  });

  postToParent({ type: "ready" });

  async function tokenize(message) {
    const mounted = Array.isArray(message.fields) ? form.fields.filter((field) => message.fields.includes(field)) : [];
    const missing = form.required.find((field) => !mounted.includes(field));
    if (missing) return { error: failure("missing_field", `The ${missing} field is not mounted`, missing) };

    const values = await collect(mounted);
    if (!values) return { error: failure("fields_not_ready", "A payment field did not answer; reload the page") };
    const plain = {};
    for (const field of mounted) {
      // An optional field left empty is simply not sent.
      if (values[field].empty && !form.required.includes(field)) continue;
      if (!values[field].valid) return { error: failure(form.invalidCodes[field], `The ${field} is not complete or not valid`, field) };
      plain[field] = values[field].value;
    }

    const details = typeof message.details === "object" && message.details !== null ? message.details : {};
    const body = form.body(plain, details);
    if (form === forms.bank_account && body.account_type !== "checking" && body.account_type !== "savings") {
      return { error: failure("invalid_account_type", "Choose checking or savings", "account_type") };
    }
    const response = await fetch(form.path, {
      method: "POST",
      headers: { authorization: `Bearer ${publishableKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(requestTimeoutMs),
      credentials: "omit",
      cache: "no-store",
    });
    const answer = await response.json().catch(() => ({}));
    if (response.ok && typeof answer.id === "string") return { token: form.publicToken(answer) };
    const code = typeof answer.code === "string" ? answer.code : "vault_error";
    const title = typeof answer.title === "string" ? answer.title : `The vault answered ${response.status}`;
    return { error: failure(code, title, fieldOfCode[code]) };
  }

  // Asks every field frame of this instance for its value; undefined when one does not answer.
  function collect(fields) {
    const requestId = randomId();
    return new Promise((resolve) => {
      const values = {};
      const finish = (result) => {
        clearTimeout(timer);
        collections.delete(requestId);
        resolve(result);
      };
      const timer = setTimeout(() => finish(undefined), collectTimeoutMs);
      collections.set(requestId, {
        receive(message) {
          if (!fields.includes(message.field)) return;
          values[message.field] = { valid: message.valid === true, empty: message.empty === true, value: message.value };
          if (fields.every((field) => field in values)) finish(values);
        },
      });
      bus.postMessage({ type: "collect", requestId });
    });
  }

  function failure(code, message, field) {
    return field ? { code, message, field } : { code, message };
  }

  function reply(requestId, result) {
    postToParent({ type: "token", requestId, ...result });
  }

  function postToParent(message) {
    window.parent.postMessage({ remit: channel, ...message }, parentOrigin);
  }

  function randomId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }
})();
