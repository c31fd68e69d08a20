/* The pages' only script, for signed-in users (Content-Security-Policy: no inline script).
   A select marked data-autosubmit submits its form on change, so its "Change" button is removed.
   Public pages work without it: the button stays. */
document.querySelectorAll("[data-autosubmit-button]").forEach(function (button) {
  button.remove();
});
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]") && event.target.form) {
    event.target.form.submit();
  }
});
