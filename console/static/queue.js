// The queue keeps itself current: every 5 s it asks /api/tickets with the page's filters and redraws
// the rows (text only: nothing a merchant typed is ever read as markup); new tickets are highlighted.
(function () {
  const body = document.getElementById("tickets");
  if (!body) return;
  const seen = new Set(Array.from(body.querySelectorAll("tr[data-ticket]")).map((row) => row.dataset.ticket));
  const cell = (row, text) => { const td = document.createElement("td"); td.textContent = text; row.appendChild(td); };
  async function refresh() {
    const query = new URLSearchParams(window.location.search);
    if (!query.has("status")) query.set("status", "open,claimed");
    let found;
    try {
      const answer = await fetch("/api/tickets?" + query.toString(), { credentials: "same-origin" });
      if (answer.status === 401) { window.location.href = "/login?next=/"; return; }
      if (!answer.ok) return;
      found = (await answer.json()).tickets;
    } catch (error) { return; }
    const rows = found.map((t) => {
      const row = document.createElement("tr");
      row.className = t.priority + (seen.has(t.ticket_id) ? "" : " fresh");
      row.dataset.ticket = t.ticket_id;
      const first = document.createElement("td");
      const link = document.createElement("a");
      link.href = "/tickets/" + encodeURIComponent(t.ticket_id);
      link.textContent = t.ticket_id;
      first.appendChild(link);
      row.appendChild(first);
      [t.priority_label, t.status_label, t.waited, t.merchant_id || "—", t.diagnosis_label, t.channel_label,
        t.agent_name || "—"].forEach((text) => cell(row, text));
      seen.add(t.ticket_id);
      return row;
    });
    if (!rows.length) {
      const row = document.createElement("tr");
      row.className = "empty";
      const td = document.createElement("td");
      td.colSpan = 8; td.textContent = "没有符合条件的工单";
      row.appendChild(td); rows.push(row);
    }
    body.replaceChildren(...rows);
    document.getElementById("count").textContent = String(found.length);
  }
  setInterval(refresh, 5000);
})();
