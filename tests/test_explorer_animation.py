"""save_animation: one frame a value, each the saved picture and its readout; bad input refused."""

import io
import math
import os
import stat
import sys

import numpy as np
import pytest
from PIL import Image, ImageSequence

from conv1x1_viz.explorers import BottleneckExplorer, ParamExplorer
from conv1x1_viz.explorers import animation as animation_module
from conv1x1_viz.explorers.animation import animation_frame, sweep_values

# (explorer, its arguments, the control swept, the values given or None for all it offers,
# the values the frames show). Few frames, to keep the test fast.
SWEEPS = [
    pytest.param(ParamExplorer, {}, "in_channels", [3, 64, 2048], [3, 64, 2048], id="param"),
    pytest.param(
        BottleneckExplorer, {"in_channels": 16}, "reduction", None, [1, 2, 3, 4, 8, 16],
        id="bottleneck-all-it-offers",
    ),
]  # fmt: skip


def gif_frames(path):
    """Every frame of the GIF as Pillow shows it (each laid over the last), RGB pixels."""
    with Image.open(path) as gif:
        return [np.asarray(frame.convert("RGB")) for frame in ImageSequence.Iterator(gif)]


def snapshot_pixels(explorer):
    return np.asarray(Image.open(io.BytesIO(explorer.snapshot())).convert("RGB"))


def as_gif_frame(frame, shape):
    """The frame as save_animation writes it: at the top left of a white image of the GIF's
    size, reduced to 256 colours by median cut (no dithering)."""
    padded = Image.new("RGB", (shape[1], shape[0]), "white")
    padded.paste(frame, (0, 0))
    return np.asarray(padded.quantize(256, method=Image.Quantize.MEDIANCUT).convert("RGB"))


@pytest.mark.parametrize(("cls", "kwargs", "slider", "values", "shown"), SWEEPS)
def test_one_frame_a_value_each_the_saved_picture_and_readout(
    tmp_path, cls, kwargs, slider, values, shown
):
    explorer = cls(**kwargs)
    before, wishes = dict(explorer.values), dict(explorer.wishes)
    path = explorer.save_animation(tmp_path / "sweep.gif", slider, values)

    assert path == tmp_path / "sweep.gif"
    assert sweep_values(explorer, slider, values) == tuple(shown)
    frames = gif_frames(path)
    assert len(frames) == len(shown)
    assert explorer.values == before
    assert explorer.wishes == wishes

    for frame, value in [(frames[0], shown[0]), (frames[-1], shown[-1])]:
        reference = cls(**kwargs)
        reference.set(**{slider: value})
        picture = snapshot_pixels(reference)
        expected = animation_frame(reference)
        h, w, _ = picture.shape
        # The frame is the saved picture, pixel for pixel, with the readout under it ...
        assert np.array_equal(np.asarray(expected)[:h], picture)
        assert expected.width == w and expected.height > h
        # ... and the GIF holds it exactly as reduced to its 256 colours.
        np.testing.assert_array_equal(frame, as_gif_frame(expected, frame.shape))
        # Against the full-colour picture: flat colours come out exact, and only a few
        # anti-aliased edge pixels move to a neighbouring palette colour (measured: a mean
        # of 0.02-0.05 levels, 0.1-0.2 % of the pixels off by more than 8 levels).
        difference = np.abs(frame[:h].astype(int) - picture).max(axis=2)
        assert difference.mean() < 0.25
        assert (difference > 8).mean() < 0.005
    # The readout under the picture follows the value.
    h = snapshot_pixels(explorer).shape[0]
    assert not np.array_equal(frames[0][h:], frames[-1][h:])


def test_a_sweep_lowers_the_limited_controls_as_the_page_and_puts_them_back(tmp_path):
    explorer = BottleneckExplorer(in_channels=192, reduction=16)
    before, wishes = dict(explorer.values), dict(explorer.wishes)
    frames = gif_frames(explorer.save_animation(tmp_path / "depth.gif", "in_channels", [8, 192]))

    # At 8 maps in, the reduction to 16 is lowered to 8, then back to 16 at 192.
    for frame, depth, reduction in [(frames[0], 8, 8), (frames[1], 192, 16)]:
        reference = BottleneckExplorer(in_channels=192, reduction=16)
        reference.set(in_channels=depth)
        assert reference.value("reduction") == reduction
        np.testing.assert_array_equal(frame, as_gif_frame(animation_frame(reference), frame.shape))
    assert explorer.values == before
    assert explorer.wishes == wishes


def test_repeated_values_go_there_and_back(tmp_path):
    explorer = ParamExplorer()
    path = explorer.save_animation(tmp_path / "back.gif", "kernel_size", [1, 3, 1], fps=0.5)
    with Image.open(path) as gif:
        assert gif.n_frames == 3
        assert gif.info["duration"] == 2000
        assert gif.info["loop"] == 0
    frames = gif_frames(path)
    np.testing.assert_array_equal(frames[0], frames[2])


def test_an_error_while_drawing_puts_the_values_back(tmp_path, monkeypatch):
    explorer = ParamExplorer()
    before = dict(explorer.values)
    calls = []

    def failing(exp):
        calls.append(exp.value("filters"))
        if len(calls) == 2:
            raise RuntimeError("drawing failed")
        return Image.new("RGB", (4, 4))

    monkeypatch.setattr(animation_module, "animation_frame", failing)
    with pytest.raises(RuntimeError, match="drawing failed"):
        explorer.save_animation(tmp_path / "x.gif", "filters", [1, 2, 4])
    assert calls == [1, 2]
    assert explorer.values == before
    assert not (tmp_path / "x.gif").exists()


def fake_ffmpeg(folder):
    """An 'ffmpeg' that writes how many bytes it was piped, and its arguments, to its output."""
    script = folder / "ffmpeg"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "data = sys.stdin.buffer.read()\n"
        "open(sys.argv[-1], 'w').write(f'{len(data)}\\n' + ' '.join(sys.argv[1:]))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.skipif(os.name != "posix", reason="the fake ffmpeg is a script with a shebang")
def test_mp4_pipes_even_sized_rgb_frames_to_ffmpeg(tmp_path, monkeypatch):
    fake_ffmpeg(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    explorer = ParamExplorer()
    path = explorer.save_animation(tmp_path / "depth.MP4", "in_channels", [3, 64], fps=2)
    piped, arguments = path.read_text().split("\n")
    size = arguments.split("-s ")[1].split()[0]
    width, height = map(int, size.split("x"))
    frames = []
    for depth in (3, 64):
        explorer.set(in_channels=depth)
        frames.append(animation_frame(explorer))
    frame_width, frame_height = (max(f.width for f in frames), max(f.height for f in frames))
    assert (width, height) == (frame_width + frame_width % 2, frame_height + frame_height % 2)
    assert int(piped) == 2 * width * height * 3
    assert "-framerate 2 " in arguments and "yuv420p" in arguments


BAD = [
    ({"path": "sweep.png"}, r"path must end in \.gif or \.mp4 .*got '.*sweep\.png'"),
    ({"path": "sweep"}, r"path must end in \.gif or \.mp4"),
    ({"slider": "depth"}, r"slider must be one of the controls \['filters', 'in_channels', "),
    ({"values": []}, r"values must hold at least one value of in_channels \(1, 2, 3, 4, 8"),
    ({"values": 64}, r"values must be a list of values of in_channels .*got 64"),
    ({"values": "64"}, r"values must be a list of values of in_channels .*got '64'"),
    ({"values": [64, 5]}, r"values\[1\]: in_channels must be one of 1, 2, 3, .*got 5"),
    ({"values": [64, None]}, r"values\[1\]: in_channels must be one of .*got None"),
    ({"slider": "use_bias", "values": [True, 1]}, r"values\[1\]: use_bias must be True or False"),
    ({"fps": 0}, r"fps must be a number of frames a second above 0 and at most 50 .*got 0"),
    ({"fps": -1}, r"fps must be .*got -1"),
    ({"fps": 51}, r"fps must be .*got 51"),
    ({"fps": math.nan}, r"fps must be .*got nan"),
    ({"fps": True}, r"fps must be .*got True"),
    ({"fps": "2"}, r"fps must be .*got '2'"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_input_is_refused_naming_the_argument(tmp_path, change, message):
    explorer = ParamExplorer()
    before, wishes = dict(explorer.values), dict(explorer.wishes)
    arguments = {"path": "sweep.gif", "slider": "in_channels", "values": [64], "fps": 1, **change}
    arguments["path"] = tmp_path / arguments["path"]
    with pytest.raises(ValueError, match=message):
        explorer.save_animation(
            arguments["path"], arguments["slider"], arguments["values"], fps=arguments["fps"]
        )
    assert list(tmp_path.iterdir()) == []
    assert explorer.values == before
    assert explorer.wishes == wishes


def test_a_value_the_limits_do_not_allow_is_refused(tmp_path):
    explorer = BottleneckExplorer(in_channels=16)
    with pytest.raises(
        ValueError,
        match=r"values\[1\]: reduction cannot be 64 while the other controls are "
        r"\{'in_channels': 16, .*it can be 1, 2, 3, 4, 8, 16$",
    ):
        explorer.save_animation(tmp_path / "x.gif", "reduction", [8, 64])


def test_mp4_without_ffmpeg_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(animation_module.shutil, "which", lambda name: None)
    with pytest.raises(ValueError, match=r"path '.*x\.mp4' asks for an MP4 video, which needs "):
        ParamExplorer().save_animation(tmp_path / "x.mp4", "filters", [1])
    assert list(tmp_path.iterdir()) == []
