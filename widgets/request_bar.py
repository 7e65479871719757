"""RequestBar: which profile and environment, the sandbox scenario, and the request to send."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

from console.model.profile import Environment, Profile
from widgets.clickable import Clickable
from widgets.pane import Pane
from widgets.picker import ChoiceButton
from widgets.text import safe

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_ENV_CLASSES = tuple(f"-env-{e}" for e in Environment)


class RequestBar(Pane):
    """Profile and environment badge, scenario (sandbox only), method, path and Send."""

    HELP = """\
## Request bar
- The **badge** names the environment in words and colour; **PRODUCTION** is red and cannot be
  missed. A profile without `environment` is treated as production and the badge says
  **⚠ PRODUCTION (environment not set)**. Next to it, the profile name.
- **scenario** (sandbox profiles only): what the embedded sandbox should break next. `enter` or a
  click opens the list; type to filter it (`ctrl+n` opens it too, from anywhere).
- **method** (`enter` opens the list) and **path**: the test request. `enter` in the path, or
  **Send**, sends it.
"""

    DEFAULT_CSS = """
    RequestBar {
        height: auto;
        border: none;
        padding: 0;
    }
    RequestBar:focus-within { border: none; }
    RequestBar > Horizontal { height: auto; }
    RequestBar .request--badge {
        width: auto;
        height: 3;
        padding: 1 1 0 1;
        text-style: bold;
        color: $text;
        background: $primary-muted;
    }
    RequestBar.-env-sandbox .request--badge { background: $success-muted; }
    RequestBar.-env-dev .request--badge { background: $primary-muted; }
    RequestBar.-env-staging .request--badge { background: $warning; color: black; }
    RequestBar.-env-production .request--badge { background: red; color: white; text-style: bold reverse; }
    RequestBar.-env-production { background: red 10%; }
    RequestBar .request--profile { width: auto; max-width: 32; height: 3; padding: 1 1 0 1; }
    RequestBar #scenario { display: none; }
    RequestBar.-sandbox #scenario { display: block; }
    RequestBar #method { width: 14; }
    RequestBar #path { width: 1fr; min-width: 16; }
    RequestBar #send { min-width: 8; width: auto; }
    """

    class SendRequested(Message):
        """The user asked to send the request (enter in the path, or Send)."""

        def __init__(self, request_bar: RequestBar, method: str, path: str) -> None:
            super().__init__()
            self.request_bar = request_bar
            self.method = method
            self.path = path

        @property
        def control(self) -> RequestBar:
            return self.request_bar

    class ScenarioChanged(Message):
        """The user picked another sandbox scenario."""

        def __init__(self, request_bar: RequestBar, name: str) -> None:
            super().__init__()
            self.request_bar = request_bar
            self.name = name

        @property
        def control(self) -> RequestBar:
            return self.request_bar

    profile: reactive[Profile | None] = reactive(None, always_update=True, init=False)
    """The active profile: its name, environment badge and whether the scenario picker shows."""
    scenarios: reactive[tuple[str, ...]] = reactive((), init=False)
    """The sandbox scenarios to offer."""
    scenario: reactive[str | None] = reactive(None, init=False)
    """The current sandbox scenario (set by the app; the user's pick arrives as ScenarioChanged)."""

    def __init__(
        self,
        profile: Profile | None = None,
        *,
        scenario: str | None = None,
        method: str = "GET",
        path: str = "/",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        # The profile's classes and texts are set here, not on mount: a class change after mount restyles the bar.
        super().__init__(name=name, id=id, classes=" ".join((classes or "", *_profile_classes(profile))).strip())
        self.set_reactive(RequestBar.profile, profile)
        self.set_reactive(RequestBar.scenario, scenario)  # shown at once; the list to pick from comes with the sandbox
        badge, label = _profile_texts(profile)
        self._badge = Static(badge, classes="request--badge")
        self._profile = Static(label, classes="request--profile")
        self._scenario = ChoiceButton("Sandbox scenario", value=scenario, prompt="scenario", id="scenario")
        self._method = ChoiceButton("Method", METHODS, method if method in METHODS else "GET", id="method")
        self._initial_path = path
        self._path: Input | None = None  # Input needs a running app to be built with a value

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            yield self._badge
            yield self._profile
            yield self._scenario
            yield self._method
            self._path = Input(self._initial_path, placeholder="/path?query", id="path")
            yield self._path
            yield Clickable("Send", id="send", classes="-primary")

    @property
    def method(self) -> str:
        return self._method.value or "GET"

    @property
    def path(self) -> str:
        return self._path.value if self._path is not None else self._initial_path

    def describe_scenarios(self, notes: dict[str, str]) -> None:
        """What each scenario breaks, shown next to its name when the list opens."""
        self._scenario.notes = notes

    def set_request(self, method: str, path: str) -> None:
        """Fill in the method and path (e.g. from a reselected trace)."""
        if method in METHODS:
            self._method.value = method
        if self._path is None:
            self._initial_path = path
        else:
            self._path.value = path

    def send(self) -> None:
        """Ask the app to send the request as it stands."""
        self.post_message(self.SendRequested(self, self.method, self.path.strip() or "/"))

    def watch_profile(self, profile: Profile | None) -> None:
        wanted = _profile_classes(profile)
        for env_class in (*_ENV_CLASSES, "-sandbox", "-production"):
            self.set_class(env_class in wanted, env_class)
        badge, label = _profile_texts(profile)
        self._badge.update(badge)
        self._profile.update(label)

    def watch_scenarios(self, scenarios: tuple[str, ...]) -> None:
        self._scenario.choices = scenarios
        self._scenario.value = self.scenario if self.scenario in scenarios else None

    def watch_scenario(self, scenario: str | None) -> None:
        self._scenario.value = scenario if scenario in self.scenarios else None

    @on(Input.Submitted, "#path")
    @on(Clickable.Pressed, "#send")
    def _send(self, event: Message) -> None:
        event.stop()
        self.send()

    @on(ChoiceButton.Changed, "#scenario")
    def _scenario_picked(self, event: ChoiceButton.Changed) -> None:
        event.stop()
        if event.value != self.scenario:
            self.scenario = event.value
            self.post_message(self.ScenarioChanged(self, event.value))

    @on(ChoiceButton.Changed, "#method")
    def _method_picked(self, event: ChoiceButton.Changed) -> None:
        event.stop()


def _profile_classes(profile: Profile | None) -> tuple[str, ...]:
    """The bar's classes for a profile: its environment, and whether it is a sandbox or production one."""
    if profile is None:
        return ()
    env = profile.environment
    return (
        f"-env-{env}",
        *(("-sandbox",) if profile.uses_sandbox else ()),
        *(("-production",) if env is Environment.PRODUCTION else ()),
    )


def _profile_texts(profile: Profile | None) -> tuple[Content, Content]:
    """The environment badge (in words: colour is never the only cue) and the profile's name."""
    if profile is None:
        return Content("NO PROFILE"), Content("")
    word = str(profile.environment).upper()
    if profile.environment_assumed:
        word += " (environment not set)"  # no environment in the profile: assumed production, and said so
    badge = Content(f"⚠ {word}" if profile.environment is Environment.PRODUCTION else word)
    return badge, safe(profile.name, "bold")
