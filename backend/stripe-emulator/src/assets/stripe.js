/*
 * Stand-in for Stripe.js v3 (release train "endive"), served verbatim at /js/v3/stripe.js (src/stripe-js.ts).
 * Plain ES5-ish browser JavaScript, no build step. It renders real inputs in the host page (no iframes) and talks
 * to the emulator with the publishable key.
 */
(function () {
  'use strict';
  if (window.Stripe && window.Stripe.__emulator) return;
  var script = document.currentScript;
  var BASE = (script && script.src) ? new URL(script.src).origin : window.location.origin;
  var uid = 0;

  function encode(obj, prefix, out) {
    out = out || [];
    Object.keys(obj || {}).forEach(function (k) {
      var v = obj[k];
      var key = prefix ? prefix + '[' + k + ']' : k;
      if (v === undefined) return;
      if (v !== null && typeof v === 'object') encode(v, key, out);
      else out.push(encodeURIComponent(key) + '=' + encodeURIComponent(v === null ? '' : String(v)));
    });
    return out.join('&');
  }

  function luhn(num) {
    var sum = 0, dbl = false;
    for (var i = num.length - 1; i >= 0; i--) {
      var d = num.charCodeAt(i) - 48;
      if (dbl) { d *= 2; if (d > 9) d -= 9; }
      sum += d; dbl = !dbl;
    }
    return sum % 10 === 0;
  }
  function brandOf(n) {
    if (/^4/.test(n)) return 'visa';
    if (/^(5[1-5]|2[2-7])/.test(n)) return 'mastercard';
    if (/^3[47]/.test(n)) return 'amex';
    if (/^6/.test(n)) return 'discover';
    return 'unknown';
  }

  function Emitter() { this._h = {}; }
  Emitter.prototype.on = function (ev, cb) { (this._h[ev] = this._h[ev] || []).push(cb); return this; };
  Emitter.prototype.off = function (ev, cb) {
    if (!cb) { delete this._h[ev]; return this; }
    this._h[ev] = (this._h[ev] || []).filter(function (f) { return f !== cb && f._orig !== cb; });
    return this;
  };
  Emitter.prototype.once = function (ev, cb) {
    var self = this;
    var w = function (e) { self.off(ev, w); cb(e); };
    w._orig = cb;
    return this.on(ev, w);
  };
  Emitter.prototype.emit = function (ev, payload) {
    (this._h[ev] || []).slice().forEach(function (f) { try { f(payload); } catch (e) { setTimeout(function () { throw e; }); } });
  };

  var STYLE_ID = '__stripe_emulator_style';
  function injectStyle() {
    if (document.getElementById(STYLE_ID)) return;
    var s = document.createElement('style');
    s.id = STYLE_ID;
    s.textContent = '.StripeEmu{font-family:system-ui,sans-serif;display:grid;grid-template-columns:1fr 1fr;gap:10px}' +
      '.StripeEmu .full{grid-column:1 / span 2}.StripeEmu label{display:block;font-size:13px;margin-bottom:4px;color:#30313d}' +
      '.StripeEmu input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #e6e6e6;border-radius:5px;font-size:15px}' +
      '.StripeEmu input[aria-invalid=true]{border-color:#df1b41}.StripeEmu .err{color:#df1b41;font-size:13px;grid-column:1 / span 2;min-height:0}' +
      '.StripeEmu3ds{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483647}' +
      '.StripeEmu3ds>div{background:#fff;border-radius:8px;padding:24px;max-width:360px;font-family:system-ui,sans-serif}' +
      '.StripeEmu3ds button{display:block;width:100%;margin-top:10px;padding:10px;font-size:15px;border-radius:5px;border:1px solid #635bff;cursor:pointer}' +
      '.StripeEmu3ds button.ok{background:#635bff;color:#fff}.StripeEmu3ds button.ko{background:#fff;color:#635bff}';
    (document.head || document.documentElement).appendChild(s);
  }

  // ------------------------------------------------------------ card fields element
  function CardFields(type, elements, options) {
    Emitter.call(this);
    this._type = type;
    this._elements = elements;
    this._options = options || {};
    this._node = null;
    this._root = null;
    this._destroyed = false;
    this._id = 'stripe-emu-' + (++uid);
  }
  CardFields.prototype = Object.create(Emitter.prototype);

  CardFields.prototype.mount = function (target) {
    var node = typeof target === 'string' ? document.querySelector(target) : target;
    if (!node) throw new Error('Stripe emulator: cannot mount element; container not found.');
    injectStyle();
    var id = this._id, self = this;
    var root = document.createElement('div');
    root.className = 'StripeEmu StripeElement';
    root.setAttribute('data-testid', 'stripe-emulator-' + this._type);
    function field(name, label, attrs, cls) {
      var wrap = document.createElement('div');
      wrap.className = cls || '';
      var l = document.createElement('label');
      l.setAttribute('for', id + '-' + name);
      l.textContent = label;
      var i = document.createElement('input');
      i.id = id + '-' + name;
      i.name = name;
      Object.keys(attrs).forEach(function (k) { i.setAttribute(k, attrs[k]); });
      wrap.appendChild(l); wrap.appendChild(i);
      root.appendChild(wrap);
      return i;
    }
    this._number = field('number', 'Card number', { inputmode: 'numeric', autocomplete: 'cc-number', placeholder: '1234 1234 1234 1234' }, 'full');
    this._exp = field('expiry', 'Expiration date', { inputmode: 'numeric', autocomplete: 'cc-exp', placeholder: 'MM / YY' });
    this._cvc = field('cvc', 'Security code', { inputmode: 'numeric', autocomplete: 'cc-csc', placeholder: 'CVC' });
    this._postal = field('postal', 'Postal code', { autocomplete: 'postal-code', placeholder: '12345' }, 'full');
    this._err = document.createElement('div');
    this._err.className = 'err';
    this._err.setAttribute('role', 'alert');
    this._err.id = id + '-error';
    root.appendChild(this._err);
    node.appendChild(root);
    this._node = node;
    this._root = root;
    [this._number, this._exp, this._cvc, this._postal].forEach(function (input) {
      input.addEventListener('input', function () { self._format(input); self._validate(false); self._emitChange(); });
      input.addEventListener('focus', function () { self.emit('focus', { elementType: self._type }); });
      input.addEventListener('blur', function () { self._validate(true); self.emit('blur', { elementType: self._type }); });
    });
    setTimeout(function () { if (!self._destroyed) self.emit('ready', { elementType: self._type }); }, 0);
    return this;
  };
  CardFields.prototype._format = function (input) {
    if (input === this._number) {
      var d = input.value.replace(/\D/g, '').slice(0, 19);
      input.value = d.replace(/(\d{4})(?=\d)/g, '$1 ');
    } else if (input === this._exp) {
      var e = input.value.replace(/\D/g, '').slice(0, 4);
      input.value = e.length > 2 ? e.slice(0, 2) + ' / ' + e.slice(2) : e;
    } else if (input === this._cvc) {
      input.value = input.value.replace(/\D/g, '').slice(0, 4);
    }
  };
  CardFields.prototype._values = function () {
    var num = this._number ? this._number.value.replace(/\D/g, '') : '';
    var exp = this._exp ? this._exp.value.replace(/\D/g, '') : '';
    return { number: num, month: exp.slice(0, 2), year: exp.slice(2, 4), cvc: this._cvc ? this._cvc.value : '', postal: this._postal ? this._postal.value : '' };
  };
  /** returns {code, message} for the first problem, or null */
  CardFields.prototype._problem = function (strict) {
    var v = this._values();
    if (!v.number) return strict ? { code: 'incomplete_number', message: 'Your card number is incomplete.', field: this._number } : null;
    var maxLen = /^3[47]/.test(v.number) ? 15 : 16;
    if (v.number.length < maxLen) return strict ? { code: 'incomplete_number', message: 'Your card number is incomplete.', field: this._number } : null;
    if (!luhn(v.number)) return { code: 'invalid_number', message: 'Your card number is invalid.', field: this._number };
    if (v.month.length < 2 || v.year.length < 2) return strict ? { code: 'incomplete_expiry', message: "Your card's expiration date is incomplete.", field: this._exp } : null;
    var m = parseInt(v.month, 10), y = 2000 + parseInt(v.year, 10), now = new Date();
    if (m < 1 || m > 12) return { code: 'invalid_expiry_month', message: "Your card's expiration date is invalid.", field: this._exp };
    if (y < now.getFullYear() || (y === now.getFullYear() && m < now.getMonth() + 1)) return { code: 'invalid_expiry_year_past', message: "Your card's expiration year is in the past.", field: this._exp };
    if (v.cvc.length < (/^3[47]/.test(v.number) ? 4 : 3)) return strict ? { code: 'incomplete_cvc', message: "Your card's security code is incomplete.", field: this._cvc } : null;
    return null;
  };
  CardFields.prototype._validate = function (strict) {
    var p = this._problem(strict);
    var inputs = [this._number, this._exp, this._cvc, this._postal];
    inputs.forEach(function (i) { if (i) i.removeAttribute('aria-invalid'); });
    if (p) {
      p.field.setAttribute('aria-invalid', 'true');
      p.field.setAttribute('aria-describedby', this._id + '-error');
    }
    // show errors only for fields the user has left (strict) or that are definitely wrong
    this._err.textContent = p ? p.message : '';
    this._lastError = p;
    return p;
  };
  CardFields.prototype._emitChange = function () {
    var v = this._values();
    var p = this._problem(true);
    var empty = !v.number && !v.month && !v.cvc && !v.postal;
    var ev = { elementType: this._type, empty: empty, complete: !p, collapsed: false };
    if (this._type === 'payment') ev.value = { type: 'card' };
    else ev.brand = brandOf(v.number);
    var hard = this._problem(false);
    if (hard) ev.error = { type: 'validation_error', code: hard.code, message: hard.message };
    this.emit('change', ev);
  };
  CardFields.prototype._check = function () {
    var p = this._validate(true);
    if (p) return { type: 'validation_error', code: p.code, message: p.message };
    return null;
  };
  CardFields.prototype._paymentMethodData = function (extra) {
    var v = this._values();
    var data = { type: 'card', card: { number: v.number, exp_month: v.month, exp_year: '20' + v.year, cvc: v.cvc } };
    var bd = (extra && extra.billing_details) || {};
    if (v.postal) { bd.address = bd.address || {}; bd.address.postal_code = bd.address.postal_code || v.postal; }
    data.billing_details = bd;
    return data;
  };
  CardFields.prototype.update = function (opts) { this._options = Object.assign({}, this._options, opts || {}); return this; };
  CardFields.prototype.unmount = function () { if (this._root && this._root.parentNode) this._root.parentNode.removeChild(this._root); this._root = null; return this; };
  CardFields.prototype.destroy = function () { this.unmount(); this._destroyed = true; this._elements._remove(this); this._h = {}; return this; };
  CardFields.prototype.clear = function () { var self = this; [this._number, this._exp, this._cvc, this._postal].forEach(function (i) { if (i) i.value = ''; }); self._err.textContent = ''; return this; };
  CardFields.prototype.focus = function () { if (this._number) this._number.focus(); return this; };
  CardFields.prototype.blur = function () { if (document.activeElement && this._root && this._root.contains(document.activeElement)) document.activeElement.blur(); return this; };
  CardFields.prototype.collapse = function () { return this; };

  // ------------------------------------------------------------ elements group
  function Elements(stripe, options) {
    this._stripe = stripe;
    this._options = options || {};
    this._els = {};
  }
  Elements.prototype.create = function (type, options) {
    if (this._els[type]) throw new Error('Can only create one Element of type ' + type + '.');
    var el = new CardFields(type, this, options);
    this._els[type] = el;
    return el;
  };
  Elements.prototype.getElement = function (type) { return this._els[type] || null; };
  Elements.prototype._remove = function (el) { if (this._els[el._type] === el) delete this._els[el._type]; };
  Elements.prototype.update = function (opts) { this._options = Object.assign({}, this._options, opts || {}); return this; };
  Elements.prototype.fetchUpdates = function () { return Promise.resolve({}); };
  Elements.prototype.submit = function () {
    var el = this._els.payment || this._els.card;
    if (!el) return Promise.resolve({ error: { type: 'validation_error', message: 'No Payment Element is mounted.' } });
    var err = el._check();
    return Promise.resolve(err ? { error: err } : { selectedPaymentMethod: 'card' });
  };
  Elements.prototype._cardElement = function () { return this._els.payment || this._els.card || null; };

  // ------------------------------------------------------------ 3-D Secure modal
  function challenge(amountText) {
    injectStyle();
    return new Promise(function (resolve) {
      var overlay = document.createElement('div');
      overlay.className = 'StripeEmu3ds';
      var box = document.createElement('div');
      box.setAttribute('role', 'dialog');
      box.setAttribute('aria-modal', 'true');
      box.setAttribute('aria-labelledby', '__stripe_emu_3ds_title');
      var h = document.createElement('h2');
      h.id = '__stripe_emu_3ds_title';
      h.textContent = '3D Secure 2 Test Page';
      var p = document.createElement('p');
      p.textContent = 'Your bank asks you to confirm this payment' + (amountText ? ' of ' + amountText : '') + '. (Simulated test challenge.)';
      var ok = document.createElement('button'); ok.type = 'button'; ok.className = 'ok'; ok.textContent = 'Complete authentication';
      var ko = document.createElement('button'); ko.type = 'button'; ko.className = 'ko'; ko.textContent = 'Fail authentication';
      function done(v) { if (overlay.parentNode) overlay.parentNode.removeChild(overlay); resolve(v); }
      ok.addEventListener('click', function () { done('complete'); });
      ko.addEventListener('click', function () { done('fail'); });
      box.appendChild(h); box.appendChild(p); box.appendChild(ok); box.appendChild(ko);
      overlay.appendChild(box);
      document.body.appendChild(overlay);
      ok.focus();
    });
  }

  // ------------------------------------------------------------ Stripe
  function Stripe(pk, options) {
    if (!(this instanceof Stripe)) return new Stripe(pk, options);
    if (typeof pk !== 'string' || !pk) throw new Error('Please call Stripe() with your publishable key. You used an empty string.');
    this._pk = pk;
    this._options = options || {};
  }
  Stripe.version = 'endive';
  Stripe.__emulator = true;

  Stripe.prototype._request = function (method, path, params) {
    var headers = { Authorization: 'Bearer ' + this._pk };
    if (this._options.stripeAccount) headers['Stripe-Account'] = this._options.stripeAccount;
    var url = BASE + path;
    var init = { method: method, headers: headers };
    if (method === 'GET') { var q = encode(params || {}); if (q) url += '?' + q; }
    else { headers['Content-Type'] = 'application/x-www-form-urlencoded'; init.body = encode(params || {}); }
    return fetch(url, init).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) return { error: body.error || { type: 'api_error', message: 'Request failed.' } };
        return { data: body };
      });
    }, function (e) { return { error: { type: 'api_connection_error', message: 'Could not reach the Stripe emulator: ' + e.message } }; });
  };
  Stripe.prototype._control = function (path, params) {
    return fetch(BASE + '/_emulator/' + path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: encode(params) })
      .then(function (r) { return r.json(); });
  };
  Stripe.prototype._registerWrapper = function (w) { this._wrapper = w; };
  Stripe.prototype.registerAppInfo = function (info) { this._appInfo = info; };
  Stripe.prototype.elements = function (options) { return new Elements(this, options); };
  Stripe.prototype.createToken = function () {
    return Promise.resolve({ error: { type: 'invalid_request_error', message: 'createToken is not supported by the Stripe emulator; use PaymentMethods.' } });
  };

  function intentKind(cs) { return /^seti_/.test(cs) ? 'setup_intents' : 'payment_intents'; }
  function intentId(cs) { return String(cs).split('_secret_')[0]; }
  function fmt(pi) {
    if (!pi || typeof pi.amount !== 'number') return '';
    var zero = ['jpy', 'krw', 'vnd', 'clp'].indexOf(pi.currency) >= 0;
    var digits = String(Math.abs(pi.amount));
    while (!zero && digits.length < 3) digits = '0' + digits;
    var major = zero ? digits : digits.slice(0, -2) + '.' + digits.slice(-2);
    return major + ' ' + String(pi.currency).toUpperCase();
  }

  Stripe.prototype._pmFrom = function (source, extra) {
    // source: an Element, a PaymentMethod id, or {card: Element, billing_details}
    var self = this;
    if (typeof source === 'string') return Promise.resolve({ id: source });
    var el = source && source._paymentMethodData ? source : source && source.card && source.card._paymentMethodData ? source.card : null;
    if (!el) return Promise.resolve({ error: { type: 'invalid_request_error', message: 'A payment method or a mounted card Element is required.' } });
    var err = el._check();
    if (err) return Promise.resolve({ error: err });
    var data = el._paymentMethodData({ billing_details: (source.billing_details) || (extra && extra.billing_details) });
    return self._request('POST', '/v1/payment_methods', data).then(function (r) { return r.error ? { error: r.error } : { id: r.data.id, paymentMethod: r.data }; });
  };

  Stripe.prototype.createPaymentMethod = function (a, b) {
    var src = a && a.elements ? a.elements._cardElement() : a && a.card ? a : b;
    var extra = a && a.params ? a.params : a;
    return this._pmFrom(src, extra).then(function (r) { return r.error ? { error: r.error } : { paymentMethod: r.paymentMethod }; });
  };

  Stripe.prototype._retrieve = function (cs) {
    var kind = intentKind(cs);
    return this._request('GET', '/v1/' + kind + '/' + intentId(cs), { client_secret: cs });
  };
  Stripe.prototype.retrievePaymentIntent = function (cs) {
    return this._retrieve(cs).then(function (r) { return r.error ? { error: r.error } : { paymentIntent: r.data }; });
  };
  Stripe.prototype.retrieveSetupIntent = function (cs) {
    return this._retrieve(cs).then(function (r) { return r.error ? { error: r.error } : { setupIntent: r.data }; });
  };

  /** run the 3DS challenge if needed; resolves {intent} or {error} */
  Stripe.prototype._handleActions = function (intent, cs) {
    var self = this;
    if (!intent || intent.status !== 'requires_action') return Promise.resolve({ intent: intent });
    var kind = intentKind(cs);
    return challenge(fmt(intent)).then(function (outcome) {
      return self._control(kind + '/' + intent.id + '/authenticate', { client_secret: cs, outcome: outcome });
    }).then(function () { return self._retrieve(cs); }).then(function (r) {
      if (r.error) return { error: r.error };
      var it = r.data;
      var lastErr = it.last_payment_error || it.last_setup_error;
      if ((it.status === 'requires_payment_method') && lastErr) {
        var e = Object.assign({}, lastErr);
        if (kind === 'payment_intents') e.payment_intent = it; else e.setup_intent = it;
        return { error: e, intent: it };
      }
      return { intent: it };
    });
  };

  Stripe.prototype._confirm = function (cs, pmSource, params, opts) {
    var self = this;
    var kind = intentKind(cs);
    var key = kind === 'payment_intents' ? 'paymentIntent' : 'setupIntent';
    return self._pmFrom(pmSource, params).then(function (pm) {
      if (pm.error) return { error: pm.error };
      var body = Object.assign({}, params || {});
      delete body.billing_details;
      delete body.payment_method_data;
      body.client_secret = cs;
      body.payment_method = pm.id;
      return self._request('POST', '/v1/' + kind + '/' + intentId(cs) + '/confirm', body).then(function (r) {
        if (r.error) return { error: r.error };
        if (opts && opts.handleActions === false) { var o = {}; o[key] = r.data; return o; }
        return self._handleActions(r.data, cs).then(function (h) {
          if (h.error) { var x = { error: h.error }; return x; }
          var out = {}; out[key] = h.intent; return out;
        });
      });
    });
  };

  function redirectTo(returnUrl, kind, intent, cs, ok) {
    var u = new URL(returnUrl, window.location.href);
    var k = kind === 'payment_intents' ? 'payment_intent' : 'setup_intent';
    u.searchParams.set(k, intent.id);
    u.searchParams.set(k + '_client_secret', cs);
    u.searchParams.set('redirect_status', ok ? 'succeeded' : 'failed');
    window.location.assign(u.toString());
    return new Promise(function () {});
  }

  Stripe.prototype._confirmWithElements = function (kind, args) {
    var self = this;
    args = args || {};
    var elements = args.elements;
    var cp = args.confirmParams || {};
    var cs = args.clientSecret || (elements && elements._options && elements._options.clientSecret);
    var key = kind === 'payment_intents' ? 'paymentIntent' : 'setupIntent';
    if (!cs) return Promise.resolve({ error: { type: 'invalid_request_error', message: 'Missing clientSecret: pass it to elements() or to confirm' + (kind === 'payment_intents' ? 'Payment' : 'Setup') + '().' } });
    if (args.redirect !== 'if_required' && !cp.return_url)
      return Promise.resolve({ error: { type: 'invalid_request_error', message: 'stripe.confirm' + (kind === 'payment_intents' ? 'Payment' : 'Setup') + "(): the 'confirmParams.return_url' argument is required unless passing 'redirect: \"if_required\"'" } });
    var el = elements ? elements._cardElement() : null;
    var source = cp.payment_method || el;
    var params = {};
    if (cp.return_url) params.return_url = cp.return_url;
    if (cp.payment_method_data && cp.payment_method_data.billing_details) params.billing_details = cp.payment_method_data.billing_details;
    if (cp.receipt_email) params.receipt_email = cp.receipt_email;
    if (cp.setup_future_usage) params.setup_future_usage = cp.setup_future_usage;
    return self._confirm(cs, source, params, { handleActions: true }).then(function (res) {
      var intent = res[key] || (res.error && (res.error.payment_intent || res.error.setup_intent));
      var authFailed = res.error && /authentication_failure/.test(res.error.code || '');
      if (res.error && !authFailed) return { error: res.error };
      if (args.redirect === 'if_required') return res;
      return redirectTo(cp.return_url, kind, intent, cs, !res.error);
    });
  };
  Stripe.prototype.confirmPayment = function (args) { return this._confirmWithElements('payment_intents', args); };
  Stripe.prototype.confirmSetup = function (args) { return this._confirmWithElements('setup_intents', args); };

  Stripe.prototype.confirmCardPayment = function (cs, data, options) {
    data = data || {};
    var source = data.payment_method;
    var params = {};
    if (data.return_url) params.return_url = data.return_url;
    if (data.setup_future_usage) params.setup_future_usage = data.setup_future_usage;
    if (data.receipt_email) params.receipt_email = data.receipt_email;
    var self = this;
    if (!source) {
      return self._request('POST', '/v1/payment_intents/' + intentId(cs) + '/confirm', Object.assign({ client_secret: cs }, params)).then(function (r) {
        if (r.error) return { error: r.error };
        if (options && options.handleActions === false) return { paymentIntent: r.data };
        return self._handleActions(r.data, cs).then(function (h) { return h.error ? { error: h.error } : { paymentIntent: h.intent }; });
      });
    }
    return this._confirm(cs, source, params, { handleActions: !(options && options.handleActions === false) });
  };
  Stripe.prototype.confirmCardSetup = function (cs, data, options) {
    data = data || {};
    return this._confirm(cs, data.payment_method, {}, { handleActions: !(options && options.handleActions === false) });
  };
  Stripe.prototype.handleNextAction = function (args) {
    var cs = args && args.clientSecret;
    var self = this;
    var key = intentKind(cs) === 'payment_intents' ? 'paymentIntent' : 'setupIntent';
    return self._retrieve(cs).then(function (r) {
      if (r.error) return { error: r.error };
      return self._handleActions(r.data, cs).then(function (h) { if (h.error) return { error: h.error }; var o = {}; o[key] = h.intent; return o; });
    });
  };
  Stripe.prototype.handleCardAction = function (cs) { return this.handleNextAction({ clientSecret: cs }); };
  Stripe.prototype.handleCardSetup = function (cs) { return this.handleNextAction({ clientSecret: cs }); };
  Stripe.prototype.paymentRequest = function () {
    var em = new Emitter();
    em.canMakePayment = function () { return Promise.resolve(null); };
    em.show = function () {};
    em.update = function () {};
    return em;
  };

  window.Stripe = Stripe;
})();
