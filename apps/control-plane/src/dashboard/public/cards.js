// The figures at the top of the page: a value, a line under it, and a tone (ok, warn, bad) for its colour.

export function setCard(name, value, sub, tone) {
  const card = document.querySelector(`[data-card=${name}]`);
  card.querySelector('.value').textContent = value;
  card.querySelector('.sub').textContent = sub;
  card.dataset.tone = tone ?? '';
}
