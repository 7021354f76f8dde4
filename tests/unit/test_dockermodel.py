"""The Docker model used by round-trip tests agrees with what engine 20.10 stored."""

from tests.dockermodel import docker_labels


def test_model_matches_observed_engine_behaviour() -> None:
    # Observed with `docker build` (classic builder) and `docker image inspect`.
    dockerfile = 'FROM x\nLABEL a="x\ty \\t \\$HOME $HOME" b="back\\\\slash" c="\\"open\\""\n'
    assert docker_labels(dockerfile) == {
        "a": "x\ty \\t $HOME ",
        "b": "back\\slash",
        "c": '"open"',
    }


def test_model_follows_the_escape_directive() -> None:
    dockerfile = '# escape=`\nFROM x\nLABEL a="C:\\dir `$X ``"\n'
    assert docker_labels(dockerfile) == {"a": "C:\\dir $X `"}


def test_model_finds_a_directive_after_leading_white_space() -> None:
    # Observed with `docker build` (engine 20.10, classic builder): the line starts with U+2028,
    # which Docker strips as white space before it looks for a parser directive.
    dockerfile = '\u2028# escape=`\nFROM x\nLABEL a="x `y` $USER" b=c:\\\\d\n'
    assert docker_labels(dockerfile) == {"a": "x `y` ", "b": "c:\\\\d"}
