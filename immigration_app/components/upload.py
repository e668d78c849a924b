"""The app's one way to upload files: a drop zone, a button that streams the chosen files to a
handler in chunks, and a progress bar.

Every upload in the app (staff for a client, a notice, a receipt notice, a blank form, a CSV of
processing times, and the client's own in the portal) works the same: the files are chosen or
dropped, nothing is sent until the button is pressed, the files are streamed in chunks
(rx.upload_files_chunk) so a phone's large photo never sits whole in memory, the bar follows
them, and the server checks each against the same size limit the zone tells the browser. So it
is one component: a fix to how files are sent (or to how the zone reads to a screen reader) is
made once, and no upload drifts from the others. What a page says and shows around it (the
prompt in the zone, the button's words, fields the import reads) is passed in.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventHandler
from reflex.vars import Var


def file_prompt(
    upload_id: str,
    choose_label: str,
    empty_hint: str,
    *notes: rx.Component,
    row: bool = False,
) -> rx.Component:
    """A staff drop zone's inside: a "Choose ..." button, then the chosen files' names (or where
    to drop them), then any notes such as the size limit. `row` lays it out on one line."""
    chosen = rx.selected_files(upload_id)
    names = rx.cond(
        chosen.length() > 0,
        rx.foreach(chosen, lambda name: rx.text(name, size="2")),
        rx.text(empty_hint, size="2", color_scheme="gray"),
    )
    button = rx.button(choose_label, type="button", variant="soft")
    if row:
        return rx.hstack(button, names, *notes, align="center", spacing="3", wrap="wrap")
    return rx.vstack(button, names, *notes, align="center", spacing="2")


def upload_panel(
    upload_id: str,
    *,
    accept: dict[str, list[str]],
    prompt: rx.Component,
    button_label: str | Var | rx.Component,
    on_upload: EventHandler,
    on_progress: EventHandler,
    uploading: Var[bool],
    progress: Var[int],
    limit_mb: Var[int] | None = None,
    multiple: bool = True,
    no_click: bool = False,
    padding: str = "16px",
    fields: rx.Component | None = None,
    show_progress: Var[bool] | None = None,
    progress_label: str | Var = "Upload progress",
    large: bool = False,
) -> rx.Component:
    """The drop zone `upload_id` with `prompt` inside, then `fields` (if any), the button that
    sends the chosen files to `on_upload` (reporting to `on_progress`), and the progress bar.

    `multiple=False` takes one file. `limit_mb` is told to the browser, which refuses a larger
    file before sending it. `no_click` keeps a click inside the zone from opening the file
    picker (the portal opens it with its own buttons). `show_progress` is when the bar shows
    (while uploading unless told). `large` is the portal's phone size: a big, full-width,
    green button. Returns a fragment: its parts sit in the caller's stack.
    """
    zone_props: dict[str, Any] = {"multiple": multiple}
    if not multiple:
        zone_props["max_files"] = 1
    if limit_mb is not None:
        zone_props["max_size"] = limit_mb * 1024 * 1024
    if no_click:
        zone_props["no_click"] = True
    button_props: dict[str, Any] = (
        {"size": "4", "width": "100%", "color_scheme": "green"} if large else {}
    )
    bar_props: dict[str, Any] = {"size": "3"} if large else {"width": "100%"}
    return rx.fragment(
        rx.upload.root(
            prompt,
            id=upload_id,
            accept=accept,
            padding=padding,
            border="1px dashed var(--gray-7)",
            border_radius="8px",
            width="100%",
            **zone_props,
        ),
        fields if fields is not None else rx.fragment(),
        # Outside the drop zone: a click inside it opens the file picker.
        rx.button(
            button_label,
            loading=uploading,
            disabled=rx.selected_files(upload_id).length() == 0,
            on_click=on_upload(
                rx.upload_files_chunk(upload_id=upload_id, on_upload_progress=on_progress)
            ),
            **button_props,
        ),
        rx.cond(
            uploading if show_progress is None else show_progress,
            rx.progress(value=progress, aria_label=progress_label, **bar_props),
        ),
    )


def phone_pickers(
    upload_id: str, take_photo: str | Var, choose_files: str | Var, *, disabled: Var[bool]
) -> rx.Component:
    """The portal's two big buttons that open the zone's hidden file input: one the phone's
    camera ("capture"), the other its files and photos. For a zone made with no_click=True."""
    file_input = f"document.querySelector('#{upload_id} input[type=file]')"
    return rx.fragment(
        rx.button(
            rx.icon("camera"),
            take_photo,
            size="4",
            width="100%",
            on_click=rx.call_script(
                f"{file_input}.setAttribute('capture', 'environment'); {file_input}.click();"
            ),
            disabled=disabled,
        ),
        rx.button(
            rx.icon("file_up"),
            choose_files,
            size="4",
            width="100%",
            variant="outline",
            on_click=rx.call_script(
                f"{file_input}.removeAttribute('capture'); {file_input}.click();"
            ),
            disabled=disabled,
        ),
    )


def phone_prompt(upload_id: str, selected: str | Var, nothing_selected: str | Var) -> rx.Component:
    """The portal's zone inside: the chosen files under a heading, or that none is chosen."""
    chosen = rx.selected_files(upload_id)
    return rx.cond(
        chosen.length() > 0,
        rx.vstack(
            rx.text(selected, weight="medium"),
            rx.foreach(chosen, lambda name: rx.text(name)),
            spacing="1",
        ),
        rx.text(nothing_selected, color_scheme="gray"),
    )
