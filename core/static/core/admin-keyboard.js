/* The admin's keyboard and narrow screens (issue 25 items 4 and 13); loaded on every admin
   page by templates/admin/base_site.html (a file of ours: the CSP allows no inline script).

   1. Enter in a list's editable field (the reasons list's Position boxes) saves the list,
      as its Save button does. The browser's implicit submission clicks the form's first
      submit button, which in a change list is the actions' "Go" button: Django's actions.js
      then asks "You have unsaved changes on individual editable fields. If you run an
      action, your unsaved changes will be lost." and, confirmed, runs no action and saves
      nothing. Enter now clicks Save (whose own check still warns when an action is chosen).
   2. Enter in a two-box picker's list (filter_horizontal: an account's members, a user's
      groups) moves the chosen entries across, as a double click does, where Chromium
      submitted the whole form. Enter in its filter box already moves them (SelectFilter2.js).
   3. A change list's cells get their column's heading in `data-label`, which
      core/admin-narrow.css shows before each value when the rows stack as cards. */
'use strict';
{
    document.addEventListener('keydown', function(event) {
        if (event.key !== 'Enter' || event.isComposing || event.defaultPrevented ||
            event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
            return;
        }
        const target = event.target;
        if (target instanceof HTMLInputElement && target.form &&
            target.form.id === 'changelist-form' && target.closest('#result_list') &&
            !target.classList.contains('action-select')) {
            const save = target.form.querySelector('input[name=_save]');
            if (save) {
                event.preventDefault();
                save.click();
            }
            return;
        }
        if (target instanceof HTMLSelectElement && target.classList.contains('filtered')) {
            const box = /^(.+)_(from|to)$/.exec(target.id);
            if (box) {
                event.preventDefault();
                const move = document.getElementById(box[1] + (box[2] === 'from' ? '_add' : '_remove'));
                if (move && !move.disabled) {
                    move.click();
                }
            }
        }
    });

    function labelListCells() {
        const table = document.getElementById('result_list');
        if (!table || !table.tHead || !table.tHead.rows.length) {
            return;
        }
        const headings = Array.from(table.tHead.rows[0].cells, function(th) {
            return (th.querySelector('.text') || th).textContent.trim();
        });
        Array.from(table.tBodies).forEach(function(body) {
            Array.from(body.rows).forEach(function(row) {
                Array.from(row.cells).forEach(function(cell, index) {
                    const shown = cell.textContent.trim() ||
                        cell.querySelector('input:not([type=hidden]), select, textarea, img');
                    if (cell.tagName === 'TD' && headings[index] && cell.colSpan === 1 && shown) {
                        cell.dataset.label = headings[index];
                    }
                });
            });
        });
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', labelListCells);
    } else {
        labelListCells();
    }
}
