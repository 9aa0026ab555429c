/* Verify a public disclosure in the browser, trusting nothing the server says about it:
 *  1. fetch the leaf bytes and check they are exactly what the page shows (title and body);
 *  2. fetch the latest signed checkpoint (C2SP signed note) and check its Ed25519 signature with the published key;
 *  3. fetch the inclusion proof at the checkpoint's size and recompute the RFC 9162 root from the leaf hash.
 * Only WebCrypto (SHA-256, Ed25519) is used; no third-party code.
 */
(function () {
  "use strict";
  var button = document.getElementById("verify-button");
  if (!button) return;
  var out = document.getElementById("verify-result");
  var enc = new TextEncoder();

  function b64decode(text) {
    var raw = atob(text.trim());
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function concat() {
    var total = 0, i;
    for (i = 0; i < arguments.length; i++) total += arguments[i].length;
    var result = new Uint8Array(total), offset = 0;
    for (i = 0; i < arguments.length; i++) { result.set(arguments[i], offset); offset += arguments[i].length; }
    return result;
  }
  function equal(a, b) {
    if (a.length !== b.length) return false;
    var diff = 0;
    for (var i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
  function leafHash(data) { return sha256(concat(new Uint8Array([0]), data)); }
  function nodeHash(left, right) { return sha256(concat(new Uint8Array([1]), left, right)); }

  /* RFC 9162 section 2.1.3.2 */
  async function rootFromInclusion(index, size, leaf, proof) {
    if (index >= size) return null;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < proof.length; i++) {
      var p = proof[i];
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  /* C2SP signed note with one Ed25519 signature by the key "<name>+<hex id>+<base64(0x01 || public key)>". */
  async function openCheckpoint(note, keyText, origin) {
    var parts = keyText.trim().split("+");
    if (parts.length < 3) throw new Error("bad key");
    var name = parts[0], keyId = parts[1], material = b64decode(parts.slice(2).join("+"));
    if (material.length !== 33 || material[0] !== 1) throw new Error("bad key");
    var publicKey = material.slice(1);
    var split = note.indexOf("\n\n");
    if (split < 0) throw new Error("bad note");
    var body = note.slice(0, split + 1);
    var lines = note.slice(split + 2).split("\n");
    var key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    var verified = false;
    for (var i = 0; i < lines.length; i++) {
      var m = /^\u2014 (\S+) (\S+)$/.exec(lines[i]);
      if (!m || m[1] !== name) continue;
      var sig = b64decode(m[2]);
      if (sig.length !== 68) continue;
      var hex = Array.from(sig.slice(0, 4), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
      if (hex !== keyId.toLowerCase()) continue;
      if (await crypto.subtle.verify({ name: "Ed25519" }, key, sig.slice(4), enc.encode(body))) verified = true;
    }
    if (!verified) return null;
    var head = body.split("\n");
    if (head[0] !== origin || !/^(0|[1-9][0-9]*)$/.test(head[1])) throw new Error("bad checkpoint");
    return { size: parseInt(head[1], 10), root: b64decode(head[2]) };
  }

  async function getJSON(url) {
    var response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(url + " → " + response.status);
    return response.json();
  }

  function say(kind, text) {
    out.textContent = text;
    out.className = "verify-result " + kind;
    out.setAttribute("data-state", kind);
  }

  async function verify() {
    var d = button.dataset;
    var index = parseInt(d.index, 10);
    say("working", d.msgWorking);
    var leaf = await getJSON(d.leafUrl);
    if (!leaf.data) return say("fail", d.msgContent);
    var data = b64decode(leaf.data);
    var item = JSON.parse(new TextDecoder().decode(data));
    var shownTitle = document.getElementById("disclosure-title").textContent;
    var shownBody = document.getElementById("disclosure-body").textContent;
    if (item.type !== "disclosure" || item.index !== index || item.title !== shownTitle || item.body !== shownBody) {
      return say("fail", d.msgContent);
    }
    var noteResponse = await fetch(d.checkpointUrl);
    if (noteResponse.status === 404) return say("pending", d.msgPending);
    if (!noteResponse.ok) throw new Error(d.checkpointUrl + " → " + noteResponse.status);
    var checkpoint = await openCheckpoint(await noteResponse.text(), d.key, d.origin);
    if (!checkpoint) return say("fail", d.msgSignature);
    if (checkpoint.size <= index) return say("pending", d.msgPending);
    var proof = await getJSON(d.proofUrl + "?index=" + index + "&tree_size=" + checkpoint.size);
    var root = await rootFromInclusion(index, checkpoint.size, await leafHash(data), proof.proof.map(b64decode));
    if (root && equal(root, checkpoint.root)) return say("ok", d.msgOk.split("{size}").join(String(checkpoint.size)));
    return say("fail", d.msgProof);
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    verify().catch(function (error) {
      say("fail", button.dataset.msgError.replace("{error}", String(error && error.message || error)));
    }).finally(function () { button.disabled = false; });
  });
})();
