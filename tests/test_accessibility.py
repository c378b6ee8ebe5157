#!/usr/bin/python3
# test_accessibility.py: drive the real app through AT-SPI, as a screen reader would.
#
# Starts the local stack in a temp dir, launches narcisse-admin on the demo profile,
# waits for the Database status to read Healthy, then checks that every control of
# the main window, the Preferences window and the profile editor has a name.
#
# Copyright 2026 Sweet Narcisse
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import resource
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import pyatspi

APP_NAME = "narcisse-admin"

# Roles a person operates: each needs a name a screen reader can say.
CONTROL_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON: "push button",
    pyatspi.ROLE_TOGGLE_BUTTON: "toggle button",
    pyatspi.ROLE_CHECK_BOX: "check box",
    pyatspi.ROLE_RADIO_BUTTON: "radio button",
    pyatspi.ROLE_COMBO_BOX: "combo box",
    pyatspi.ROLE_TEXT: "text",
    pyatspi.ROLE_ENTRY: "entry",
    pyatspi.ROLE_PASSWORD_TEXT: "password text",
    pyatspi.ROLE_SPIN_BUTTON: "spin button",
    pyatspi.ROLE_MENU_ITEM: "menu item",
    pyatspi.ROLE_CHECK_MENU_ITEM: "check menu item",
    pyatspi.ROLE_RADIO_MENU_ITEM: "radio menu item",
    pyatspi.ROLE_PAGE_TAB: "page tab",
    pyatspi.ROLE_SLIDER: "slider",
}
# GTK 4.8 exposes GtkSwitch as a toggle button ("switch" role maps there).

results = []


def tap(ok, description):
    results.append(ok)
    print(f"{'ok' if ok else 'not ok'} {len(results)} {description}", flush=True)


def wait_for(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception:  # objects vanish while the tree changes
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


def find_app():
    for app in pyatspi.Registry.getDesktop(0):
        if app is not None and app.name == APP_NAME:
            return app
    return None


def find(root, predicate):
    return pyatspi.findDescendant(root, predicate, breadth_first=True)


def text_of(acc):
    try:
        t = acc.queryText()
        return t.getText(0, t.characterCount)
    except NotImplementedError:
        return acc.name


def walk(acc, path=()):
    """Yield (accessible, path of names) for acc and all its descendants."""
    try:  # an object may leave the tree between two calls (a refreshed row)
        name = acc.name
        n = acc.childCount
        role_name = acc.getRoleName()
    except Exception:
        return
    here = path + (f"{role_name} '{name}'",)
    yield acc, here
    for i in range(n):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:
            continue
        if child is not None:
            yield from walk(child, here)


def check_names(root, where):
    offenders = []
    checked = 0
    for acc, path in walk(root):
        try:
            role = acc.getRole()
            name = (acc.name or "").strip()
        except Exception:  # the object left the tree (a log line, a refreshed row)
            continue
        if role not in CONTROL_ROLES:
            continue
        checked += 1
        # GTK 4.8 falls back to the widget's type name ("GtkToggleButton"): no name either.
        if not name or re.fullmatch(r"(Gtk|Adw|Sn)[A-Z]\w*", name):
            offenders.append(" > ".join(path[-4:]))
    for o in offenders:
        print(f"# unnamed {o}", flush=True)
    tap(not offenders and checked > 0,
        f"{where}: {checked} controls, {len(offenders)} without a name")


def click(acc):
    """Activates @acc. A reply that does not come in time (a loaded machine,
    or a handler that opens a window before returning) is not a failure here:
    the caller waits for the effect, which is what is tested."""
    action = acc.queryAction()
    index = 0
    for i in range(action.nActions):
        if action.getName(i) in ("click", "press", "activate"):
            index = i
            break
    try:
        return action.doAction(index)
    except Exception as e:  # pyatspi raises its own error type for D-Bus timeouts
        if "Did not receive a reply" not in str(e):
            raise
        print(f"# no reply to the click on '{acc.name}' in time; waiting for its effect", flush=True)
        return True


def frame_named(app, name):
    for i in range(app.childCount):
        child = app.getChildAtIndex(i)
        # AdwWindow shows as a "filler" in GTK 4.8, application windows as frames
        if child is not None and child.name.startswith(name):
            return child
    return None


def named_button(root, name):
    return find(root, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                and a.name.replace("_", "") == name)


def run_button(runbooks, title):
    """The Run… button in the list item named after the runbook."""
    row = find(runbooks, lambda a: a.getRole() == pyatspi.ROLE_LIST_ITEM and a.name == title)
    return named_button(row, "Run…") if row is not None else None


def check_runbooks(app, win):
    """The Runbooks window (primary menu) and the first pages of the wizard."""
    menus = wait_for("the main menu button", lambda: pyatspi.findAllDescendants(
        win, lambda a: a.getRole() in (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON)
        and a.name == "Main menu"), 30)
    click(menus[-1])
    item = wait_for("the Runbooks menu item",
                    lambda: find(app, lambda a: a.getRole() == pyatspi.ROLE_MENU_ITEM
                                 and a.name.replace("_", "") == "Runbooks"), 10)
    click(item)
    runbooks = wait_for("the Runbooks window", lambda: frame_named(app, "Runbooks"), 10)
    tap(True, "Runbooks window opened from the menu")
    run = wait_for("the SEV1 checklist's Run button", lambda: run_button(runbooks, "SEV1 checklist"), 10)
    tap(run is not None, "each runbook's row is named after it and has a Run button")
    check_names(runbooks, "runbooks window")

    # The wizard on the SEV1 checklist: it opens on the plan (no parameters).
    click(run)
    wizard = wait_for("the wizard", lambda: frame_named(app, "SEV1 checklist"), 10)
    wait_for("the plan", lambda: named_button(wizard, "Copy as Shell"), 30)
    wait_for("Run to be enabled", lambda: named_button(wizard, "Run").getState().contains(
        pyatspi.STATE_SENSITIVE), 30)
    tap(True, "the wizard shows the SEV1 checklist's plan")
    check_names(wizard, "wizard, plan page")
    cancel = named_button(wizard, "Cancel")
    tap(cancel is not None, "the wizard has a Cancel button")
    click(cancel)
    wait_for("the wizard to close", lambda: frame_named(app, "SEV1 checklist") is None, 10)

    # A runbook that changes the system: its plan page too.
    run = run_button(runbooks, "Restart the app")
    if run is not None:
        click(run)
        wizard = wait_for("the wizard", lambda: frame_named(app, "Restart the app"), 10)
        wait_for("the plan", lambda: named_button(wizard, "Copy as Shell"), 30)
        check_names(wizard, "wizard, plan of a runbook that changes the system")
        click(named_button(wizard, "Cancel"))


def switch_to(win, title):
    """A page of the Incidents view, through its stack switcher."""
    tab = wait_for(f"the {title} section button",
                   lambda: find(win, lambda a: a.getRole() in (pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_PAGE_TAB,
                                                               pyatspi.ROLE_RADIO_BUTTON)
                                and a.name.replace("_", "") == title), 10)
    click(tab)


def check_incidents(app, win):
    """The Incidents view: its Incident and Logs pages, and the triage dialog."""
    switch_to(win, "Incident")
    wait_for("the empty state", lambda: find(win, lambda a: a.getRole() == pyatspi.ROLE_LABEL
                                             and "No Open Incident" in (a.name or text_of(a) or "")), 10)
    declares = pyatspi.findAllDescendants(win, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                                          and a.name.replace("_", "") == "Declare an Incident…")
    tap(len(declares) == 1, "the Incident page says there is no open incident; one Declare button, above")
    check_names(win, "Incidents view, Incident")

    switch_to(win, "Logs")
    wait_for("the log filter", lambda: find(win, lambda a: a.name == "Filter lines"), 10)
    wait_for("the log status", lambda: find(win, lambda a: a.getRole() == pyatspi.ROLE_STATUS_BAR
                                            and a.name == "Log status"), 10)
    check_names(win, "Incidents view, Logs")

    declare = wait_for("the Declare button", lambda: find(win, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                       and a.name.replace("_", "") == "Declare an Incident…"), 10)
    click(declare)
    dialog = wait_for("the triage dialog", lambda: frame_named(app, "Declare an Incident"), 10)
    wait_for("the proposed severity", lambda: find(dialog, lambda a: a.getRole() == pyatspi.ROLE_STATUS_BAR
                                                   and a.name == "Proposed severity"), 10)
    tap(True, "the triage dialog shows a proposed severity")
    check_names(dialog, "declare an incident dialog")
    cancel = named_button(dialog, "Cancel")
    tap(cancel is not None, "the triage dialog has a Cancel button")
    if cancel is not None:
        click(cancel)
    switch_to(win, "Health")


def check_host(app, win):
    """The Incidents view's Server page: containers and disks over the window's SSH session."""
    indicator = wait_for("the connection indicator to say connected",
                         lambda: find(win, lambda a: a.getRole() in (pyatspi.ROLE_PUSH_BUTTON,
                                                                     pyatspi.ROLE_TOGGLE_BUTTON)
                                      and a.name == "Connection: connected"), 30)
    tap(indicator is not None, "the header bar's connection button is named 'Connection: connected'")
    switch_to(win, "Server")
    status = wait_for("the db container's state",
                      lambda: find(win, lambda a: a.getRole() == pyatspi.ROLE_STATUS_BAR
                                   and a.name == "db state"), 30)
    texts = [text_of(a) for a in pyatspi.findAllDescendants(status, lambda a: a.getRole() == pyatspi.ROLE_LABEL)]
    tap("Running" in texts, f"the Server page says db is {texts}")
    check_names(win, "Incidents view, Server")
    switch_to(win, "Health")


def check_activity(app, win):
    """The Activity window (primary menu): the audit log with its filters."""
    menus = wait_for("the main menu button", lambda: pyatspi.findAllDescendants(
        win, lambda a: a.getRole() in (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON)
        and a.name == "Main menu"), 30)
    click(menus[-1])
    item = wait_for("the Activity menu item",
                    lambda: find(app, lambda a: a.getRole() == pyatspi.ROLE_MENU_ITEM
                                 and a.name.replace("_", "") == "Activity"), 10)
    click(item)
    activity = wait_for("the Activity window", lambda: frame_named(app, "Activity"), 10)
    wait_for("the activity status", lambda: find(activity, lambda a: a.getRole() == pyatspi.ROLE_STATUS_BAR
                                                 and a.name == "Activity status"), 10)
    failures = wait_for("the failures-only toggle",
                        lambda: find(activity, lambda a: a.getRole() in (pyatspi.ROLE_TOGGLE_BUTTON,
                                                                         pyatspi.ROLE_PUSH_BUTTON)
                                     and a.name.replace("_", "") == "Failures Only"), 10)
    tap(failures is not None, "the Activity window has a 'Failures Only' toggle")
    check_names(activity, "activity window")
    close = named_button(activity, "Close")
    if close is not None:
        click(close)
        wait_for("the Activity window to close", lambda: frame_named(app, "Activity") is None, 10)


BACKUP_FILE = re.compile(r"sweet_narcisse_\d{8}_\d{6}\.dump")


def bucket_rows(bucket):
    """(row name, its Download button's name or None) for each row of the
    bucket's list, read afresh: the list view's item, the backup row in it
    (named after its file), the row's buttons."""
    rows = []
    for i in range(bucket.childCount):
        item = bucket.getChildAtIndex(i)
        if item is None:
            continue
        row = find(item, lambda a: a.getRole() == pyatspi.ROLE_LIST_ITEM)
        if row is None:
            continue
        download = find(row, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                        and (a.name or "").startswith("Download"))
        rows.append((row.name or "", download.name if download is not None else None))
    return rows


def check_bucket_rows(win):
    """The Backups view lists the bucket over SSH when it is shown: the stack
    put two dumps there. Each row is named after its file and its icon-only
    Download button says which file it downloads.

    Not a search of the whole window for a button whose name, underscores
    taken out (for mnemonics), contains "Download sweet_narcisse_": that
    could never match, the file names have underscores too."""
    bucket = wait_for("the bucket's list", lambda: find(win, lambda a: a.getRole() == pyatspi.ROLE_LIST
                                                         and a.name == "Backups in the bucket"), 20)
    seen = []

    def named_rows():
        seen[:] = bucket_rows(bucket)
        return len(seen) >= 2 and all(BACKUP_FILE.fullmatch(name)
                                      and download == f"Download {name} to this computer"
                                      for name, download in seen)
    try:
        ok = wait_for("the bucket's rows, named", named_rows, 30)
    except TimeoutError as e:
        ok = False
        print(f"# {e}; rows seen: {seen}", flush=True)
    tap(ok, f"the bucket's {len(seen)} rows are named after their files, so are their Download buttons")


def check_database(app, win):
    """The Database view: its Reports page, then (admin demo profile) its SQL page."""
    tab = wait_for("the Database view switcher button",
                   lambda: find(win, lambda a: a.getRole() in (pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_PAGE_TAB,
                                                               pyatspi.ROLE_RADIO_BUTTON)
                                and a.name.replace("_", "") == "Database"), 10)
    click(tab)
    wait_for("the list of reports", lambda: find(win, lambda a: a.getRole() == pyatspi.ROLE_LIST_BOX
                                                 and a.name == "Reports"
                                                 or a.getRole() == pyatspi.ROLE_LIST and a.name == "Reports"), 20)
    tap(True, "the Database view shows its list of reports")
    check_names(win, "Database view, Reports")
    sql = find(win, lambda a: a.getRole() in (pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_PAGE_TAB,
                                              pyatspi.ROLE_RADIO_BUTTON)
               and a.name.replace("_", "") == "SQL")
    tap(sql is not None, "the admin demo profile has an SQL page")
    if sql is not None:
        click(sql)
        wait_for("the SQL editor", lambda: find(win, lambda a: a.name == "SQL editor"), 10)
        check_names(win, "Database view, SQL")

    # The Backups view, an area of its own (operators and admins): lists, Make Backup, restore test.
    badge = find(win, lambda a: a.getRole() == pyatspi.ROLE_LABEL and "never tested" in (a.name or text_of(a) or ""))
    tap(badge is not None, "the Database view shows the last verified restore badge")
    backups = find(win, lambda a: a.getRole() in (pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_PAGE_TAB,
                                                  pyatspi.ROLE_RADIO_BUTTON)
                   and a.name.replace("_", "") == "Backups")
    tap(backups is not None, "the window has a Backups view")
    if backups is not None:
        click(backups)
        # GTK 4.8 names a button after its label and its accessible label both.
        button_with = lambda text: find(win, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                                        and text in a.name.replace("_", ""))
        wait_for("the Make Backup button", lambda: button_with("Make Backup"), 10)
        check_bucket_rows(win)
        tap(button_with("Restore Test…") is not None, "the Backups view offers Restore Test…")
        check_names(win, "Backups view")


def main():
    stack_script = os.environ["SN_STACK_SCRIPT"]
    build_dir = os.environ["SN_BUILD_DIR"]
    tmp = tempfile.mkdtemp(prefix="sn-a11y-")
    os.chmod(tmp, 0o711)  # PostgreSQL (user postgres) keeps its data inside, removed with the rest
    env = dict(os.environ)
    env.update({
        "HOME": tmp,
        "XDG_CONFIG_HOME": os.path.join(tmp, "config"),
        "XDG_DATA_HOME": os.path.join(tmp, "data"),
        "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
        "SN_STACK_DIR": os.path.join(tmp, "stack"),
        "GTK_A11Y": "atspi",
    })
    env.pop("NO_AT_BRIDGE", None)
    app_proc = None
    print("TAP version 13", flush=True)
    try:
        subprocess.run([stack_script, "up"], env=env, check=True, stdout=subprocess.DEVNULL)
        # A core dump in the scratch folder if the app dies: its backtrace is printed below.
        app_proc = subprocess.Popen([os.path.join(build_dir, "src", APP_NAME), "--profile", "demo"],
                                    env=env, cwd=tmp,
                                    preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE,
                                                                          (resource.RLIM_INFINITY,
                                                                           resource.RLIM_INFINITY)))

        app = wait_for("the app on the accessibility bus", find_app, 30)
        tap(True, f"found {APP_NAME} on the accessibility bus")

        win = wait_for("the main window", lambda: frame_named(app, "Narcisse Admin"), 20)
        tap(win.name == "Narcisse Admin — demo", f"window title is '{win.name}'")

        # The status is a "status bar" named "Database status" holding the label.
        status = wait_for("the Database status",
                          lambda: find(win, lambda a: a.getRole() == pyatspi.ROLE_STATUS_BAR
                                       and a.name == "Database status"), 30)
        label = lambda: find(status, lambda a: a.getRole() == pyatspi.ROLE_LABEL)
        try:
            wait_for("Database status to read Healthy", lambda: text_of(label()) == "Healthy", 30)
        finally:
            tap(text_of(label()) == "Healthy", f"Database status reads '{text_of(label())}'")

        check_names(win, "main window")

        # Preferences, through the primary menu as a person would.
        menus = pyatspi.findAllDescendants(
            win, lambda a: a.getRole() in (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON)
            and a.name == "Main menu")
        tap(bool(menus), "the main menu button is named 'Main menu'")
        click(menus[-1])  # GtkMenuButton's own button, the one with the click action
        item = wait_for("the Preferences menu item",
                        lambda: find(app, lambda a: a.getRole() == pyatspi.ROLE_MENU_ITEM
                                     and a.name.replace("_", "") == "Preferences"), 10)
        check_names(win, "main window with the menu open")
        click(item)
        prefs = wait_for("the Preferences window", lambda: frame_named(app, "Preferences"), 10)
        tap(True, "Preferences window opened from the menu")

        spin = find(prefs, lambda a: a.getRole() == pyatspi.ROLE_SPIN_BUTTON)
        tap(spin is not None and spin.name != "", f"refresh interval spin button is named '{spin.name if spin else ''}'")
        check_names(prefs, "preferences, General")
        tab = find(prefs, lambda a: a.getRole() == pyatspi.ROLE_PAGE_TAB and a.name == "Contacts")
        tap(tab is not None, "the Preferences window has a Contacts page tab")
        click(tab)
        wait_for("the Contacts page", lambda: find(prefs, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                                                   and "Restore the Runbook" in (a.name or "")), 10)
        check_names(prefs, "preferences, Contacts")
        tab = find(prefs, lambda a: a.getRole() == pyatspi.ROLE_PAGE_TAB and a.name == "Profiles")
        tap(tab is not None, "the Preferences window has a Profiles page tab")
        click(tab)
        wait_for("the Profiles page", lambda: find(prefs, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                                                   and a.name == "Edit demo"), 10)
        check_names(prefs, "preferences, Profiles")

        # The profile editor, from the Profiles page.
        edit = find(prefs, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON and a.name == "Edit demo")
        tap(edit is not None, "the demo profile has an 'Edit demo' button")
        if edit is not None:
            click(edit)
            editor = wait_for("the profile editor", lambda: frame_named(app, "Edit Profile"), 10)
            name_entry = find(editor, lambda a: a.getRole() == pyatspi.ROLE_TEXT and a.name == "Name")
            tap(name_entry is not None and text_of(name_entry) == "demo", "the editor shows the profile name")
            check_names(editor, "profile editor")
            cancel = find(editor, lambda a: a.getRole() == pyatspi.ROLE_PUSH_BUTTON and a.name.replace("_", "") == "Cancel")
            if cancel is not None:
                click(cancel)

        check_runbooks(app, win)
        check_incidents(app, win)
        check_host(app, win)
        check_activity(app, win)
        check_database(app, win)
    except Exception as e:  # report, then clean up
        tap(False, f"{type(e).__name__}: {e}")
        for line in traceback.format_exc().splitlines():
            print(f"# {line}", flush=True)
        if app_proc is not None and app_proc.poll() is not None:
            print(f"# the app exited with status {app_proc.returncode}", flush=True)
            core = os.path.join(tmp, "core")
            if os.path.exists(core) and shutil.which("gdb"):
                bt = subprocess.run(["gdb", "-batch", "-ex", "thread apply all bt 20",
                                     os.path.join(build_dir, "src", APP_NAME), core],
                                    capture_output=True, text=True)
                for line in bt.stdout.splitlines():
                    if line.startswith(("#", "Thread")):
                        print(f"# {line}", flush=True)
    finally:
        if app_proc is not None:
            app_proc.terminate()
            try:
                app_proc.wait(10)
            except subprocess.TimeoutExpired:
                app_proc.kill()
        subprocess.run([stack_script, "down"], env=env, stdout=subprocess.DEVNULL)
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"1..{len(results)}", flush=True)
    failed = results.count(False)
    print(f"# {len(results) - failed} passed, {failed} failed", flush=True)
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
