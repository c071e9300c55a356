/*
 * A publication's Authors: choosing a person's profile in an author row whose name
 * is empty fills the name at once, so the editor sees the byline before saving.
 * A name the editor typed is never overwritten. PublicationAuthorForm.clean does the
 * same on the server, for a browser without this script.
 *
 * Listens on the document, so rows added later with "Add author" work too. Wagtail's
 * chooser widget fires `change` on its hidden input before it writes the chosen
 * title into [data-chooser-title]: the title is read once that has happened.
 */
(function () {
  'use strict';

  var PERSON_INPUT = /^(id_authors-\d+)-person$/;

  document.addEventListener('change', function (event) {
    var input = event.target;
    var match = input && input.id && PERSON_INPUT.exec(input.id);
    if (!match || !input.value) {
      return;
    }
    var nameField = document.getElementById(match[1] + '-name');
    var chooser = document.getElementById(input.id + '-chooser');
    if (!nameField || !chooser) {
      return;
    }
    queueMicrotask(function () {
      var title = chooser.querySelector('[data-chooser-title]');
      var name = title ? title.textContent.trim() : '';
      if (name && !nameField.value.trim()) {
        nameField.value = name;
        nameField.dispatchEvent(new Event('input', { bubbles: true }));
        nameField.dispatchEvent(new Event('change', { bubbles: true }));
      }
    });
  });
})();
