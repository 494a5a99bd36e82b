// Written enquiries: choosing a canned answer adds its text to the reply (the form works without).
document.querySelectorAll("select[data-canned-for]").forEach((select) => {
  select.addEventListener("change", () => {
    const target = document.getElementById(select.dataset.cannedFor);
    if (!select.value || !target) return;
    target.value = target.value ? `${target.value}\n\n${select.value}` : select.value;
    select.value = "";
    target.focus();
  });
});
