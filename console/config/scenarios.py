"""Check a sandbox scenario name against a profile before anything starts: one clear exit-2 message."""

from __future__ import annotations

from console.config.problems import did_you_mean
from console.errors import ProfileError, UsageError
from console.model.profile import Profile


def scenario_names() -> list[str]:
    """Every sandbox scenario's name, healthy first (the sandbox package loads lazily: no servers start)."""
    from console.sandbox import list_scenarios

    return [scenario.name for scenario in list_scenarios()]


def unknown_scenario_message(name: str) -> str:
    """``unknown scenario 'helthy' (did you mean 'healthy'?); …`` naming where the list is."""
    guess = did_you_mean(name, scenario_names())
    hint = f" (did you mean '{guess}'?)" if guess else ""
    return f"unknown scenario '{name}'{hint}; 'baton sandbox --list' shows every scenario"


def check_scenario_name(name: str, option: str = "--scenario") -> str:
    """``name`` when it is a sandbox scenario; UsageError (exit 2) with a did-you-mean otherwise."""
    if name not in scenario_names():
        raise UsageError(f"{option}: {unknown_scenario_message(name)}")
    return name


def check_scenario(profile: Profile, name: str | None) -> str | None:
    """The scenario a session on ``profile`` will run (None: a real gateway), checked before anything starts.

    ``--scenario`` with a profile that is not a sandbox profile is a UsageError: it would trace the sandbox
    and report it under the real profile's name. An unknown name is a UsageError with a did-you-mean; an
    unknown ``[sandbox] scenario`` in the profile file is a ProfileError naming the file.
    """
    if name is not None:
        if profile.sandbox is None:
            raise UsageError(
                f"--scenario {name}: profile '{profile.name}' ({profile.environment}) points at a real gateway, "
                "not the embedded sandbox",
                hint="drop --scenario, or use a sandbox profile: --profile sandbox --scenario NAME",
            )
        return check_scenario_name(name)
    if profile.sandbox is None:
        return None
    scenario = profile.sandbox.scenario
    if scenario not in scenario_names():
        raise ProfileError(
            f"sandbox.scenario: {unknown_scenario_message(scenario)}", where=profile.source or profile.name
        )
    return scenario
