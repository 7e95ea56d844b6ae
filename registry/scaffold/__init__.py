"""Scaffolding for contributors: `standards new council`, `standards new service`, CODEOWNERS, reorganisations.

`new` writes a manifest a council can fill in.

A scaffold is valid the moment it is written: it is rendered from the models
(every field present, with a note on what it means, the values it takes and
the requirements that read it), parsed and validated in memory exactly as
`standards check` would, and only then written, atomically. Nothing is ever
overwritten. Prompting belongs to `registry.cli.new`; everything here
takes plain values and raises `ScaffoldError` with a message for the user.

* `answers`: checking each answer (owner, id, LGSL code, phase, channels), `ScaffoldError`;
* `render`: a model rendered as commented YAML, and the check that it is valid;
* `council`, `service`: planning, rendering and writing each kind of manifest;
* `field_guide`: the prose the notes carry; `registers`: the UK council and service registers;
* `codeowners`: .github/CODEOWNERS from each council.yaml's owners, and which councils a change touches.
* `reorganise`, with `lineage` and `inheritance`: `standards reorganise`, predecessor councils' services
  moved into their successor's folder (the councils checked against the register's lineage; each
  service's id there and its `inherited_from`).
"""
