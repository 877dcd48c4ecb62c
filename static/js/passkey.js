// After django-otp-webauthn's script has added a passkey or passed the
// second step with one, go on to the page the container names (the
// authentication script goes to its own redirect_url already).
document.addEventListener("otp_webauthn.register_complete", function (event) {
  var box = event.target.closest("[data-passkey-next]");
  if (box) window.location.assign(box.dataset.passkeyNext);
});
