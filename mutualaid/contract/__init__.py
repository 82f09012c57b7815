"""The contract's formats, and the only place in the house that knows YAML and JSON.

    yaml_text   YAML text -> plain data within the bounds, with the line of every field path
    fields      the field reader: one method per kind of field, problems at path and line
    entities    settings, sites, teams, volunteers, residents, needs
    tasks       tasks, `every` series, fixed starts, placing each task
    extras      history, declines, pins (checked against the hard rules), `expect`
    scenario    the public loader: load_scenario, parse_scenario, read_scenario_text,
                build_scenario
    export      the canonical export (plain data or a domain Scenario -> the contract's dict)
    plan_json   a domain Plan <-> plan JSON
    clock       ISO local time <-> minute of the week, converted here only

Nothing is imported here, so importing `mutualaid.contract.plan_json` loads no YAML.
"""
