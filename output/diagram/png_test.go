package diagram

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

func TestRenderPNG(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderPNG(fixtureDOT(t), &buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 500 || b.Dy() < 500 {
		t.Fatalf("got a %dx%d image, want a diagram at least 500 pixels each way", b.Dx(), b.Dy())
	}

	// Not blank: many distinct colours (fills, anti-aliased text and
	// curves), ink in most of a 4x4 grid of regions.
	const (
		grid          = 4
		minColours    = 200
		minInkRegions = 10
	)
	colours := make(map[color.RGBA]bool)
	var ink [grid][grid]int
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
			colours[c] = true
			if c != (color.RGBA{255, 255, 255, 255}) {
				ink[(y-b.Min.Y)*grid/b.Dy()][(x-b.Min.X)*grid/b.Dx()]++
			}
		}
	}
	if len(colours) < minColours {
		t.Errorf("got %d distinct colours, want at least %d", len(colours), minColours)
	}
	regions := 0
	for _, row := range ink {
		for _, n := range row {
			if n > 100 {
				regions++
			}
		}
	}
	if regions < minInkRegions {
		t.Errorf("ink in %d of %d regions, want at least %d", regions, grid*grid, minInkRegions)
	}

	// Fills are painted: P(affected) 1 is the heat scale's red.
	if !hasColour(img, color.RGBA{0xd7, 0x19, 0x1c, 0xff}, 1000) {
		t.Error("no large area of the heat scale's red")
	}
	if !hasColour(img, color.RGBA{0xf6, 0xb2, 0x6b, 0xff}, 1000) {
		t.Error("no large area of the ops-tool orange (legend)")
	}
}

// hasColour reports whether at least n pixels of img have exactly colour c.
func hasColour(img image.Image, c color.RGBA, n int) bool {
	b := img.Bounds()
	count := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == c {
				count++
			}
		}
	}
	return count >= n
}

func TestParseColor(t *testing.T) {
	tests := []struct {
		in   string
		want color.NRGBA
	}{
		{"#ff8000", color.NRGBA{0xff, 0x80, 0x00, 0xff}},
		{"#fffffe00", color.NRGBA{0xff, 0xff, 0xfe, 0x00}},
		{"none", color.NRGBA{}},
		{"bogus", color.NRGBA{0, 0, 0, 0xff}},
	}
	for _, tt := range tests {
		got := color.NRGBAModel.Convert(parseColor(tt.in)).(color.NRGBA)
		if got != tt.want {
			t.Errorf("parseColor(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
