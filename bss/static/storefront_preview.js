// The preview frame follows the branding form: its values go in the frame's query, never saved.
(function () {
  const form = document.querySelector("form[action$='/storefront/branding']");
  const frame = document.getElementById("preview"), link = document.getElementById("preview-link");
  if (!form || !frame) return;
  const fields = ["display_name", "primary_colour", "accent_colour", "contact_email", "contact_phone", "support_url", "welcome_text"];
  let timer;
  function refresh() {
    const query = new URLSearchParams({preview: frame.dataset.token});
    for (const name of fields) { const input = form.elements[name]; if (input) query.set(name, input.value); }
    const theme = document.querySelector("input[name='theme']:checked");
    if (theme) query.set("theme", theme.value);
    frame.src = link.href = frame.dataset.base + "?" + query.toString();
  }
  document.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 400); });
})();
