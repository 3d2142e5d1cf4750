// Open a closed card when a link points into it; open or close a section's cards at once.
(function () {
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    for (var d = el; d; d = d.parentElement) { if (d.tagName === 'DETAILS') d.open = true; }
    if (el) el.scrollIntoView();
  }
  window.addEventListener('hashchange', reveal);
  reveal();
  document.querySelectorAll('button[data-open], button[data-close]').forEach(function (b) {
    b.addEventListener('click', function () {
      var open = b.hasAttribute('data-open');
      var section = document.getElementById(b.getAttribute(open ? 'data-open' : 'data-close'));
      section.querySelectorAll('details.card').forEach(function (d) { d.open = open; });
    });
  });
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.dataset.wasOpen = d.open; d.open = true; });
  });
  window.addEventListener('afterprint', function () {
    document.querySelectorAll('details').forEach(function (d) { d.open = d.dataset.wasOpen === 'true'; });
  });
})();
