package widgets

// Theme is the colours of one board theme. The palette is defined here
// once; the front end receives it from GET /api/v1/widgets/kinds and ECharts
// options are built from it, so a state has the same colour everywhere.
type Theme struct {
	Name       string `json:"name"`
	Background string `json:"background"` // the board
	Surface    string `json:"surface"`    // a widget's panel
	Text       string `json:"text"`       // titles and values
	Muted      string `json:"muted"`      // axis labels, secondary text
	Grid       string `json:"grid"`       // split lines, tracks of bars and gauges
	// States colours each state: lines, hexagons, gauge bands, backgrounds.
	States map[State]string `json:"states"`
	// OnState is the text colour drawn on a state-coloured background.
	OnState map[State]string `json:"on_state"`
	// Series colours the series of a chart that are not coloured by state.
	Series []string `json:"series"`
	// HitmapOk and HitmapErr are the colour scales of the hitmap, from few
	// transactions to many: blue→indigo for ok, yellow→red for errors.
	HitmapOk  []string `json:"hitmap_ok"`
	HitmapErr []string `json:"hitmap_err"`
}

// The theme names.
const (
	ThemeDark  = "dark"
	ThemeLight = "light"
)

// Themes returns the dark and the light theme. Every state colour has at
// least 3:1 contrast against the theme's background and surface (WCAG's
// minimum for graphics) and its OnState text at least 4.5:1 on it (WCAG AA
// for text); palette_test.go checks both.
func Themes() []Theme {
	return []Theme{
		{
			Name: ThemeDark, Background: "#111217", Surface: "#181b1f", Text: "#e6e8eb", Muted: "#9aa3ad", Grid: "#2c3138",
			States: map[State]string{
				StateOK: "#3fb950", StateWarning: "#e3b341", StateCritical: "#ff5f56", StateNoData: "#7d8590", StateStale: "#7d8fa8",
			},
			OnState: map[State]string{
				StateOK: "#0b1f10", StateWarning: "#231a00", StateCritical: "#1f0503", StateNoData: "#0d1014", StateStale: "#0d1014",
			},
			Series:    []string{"#5794f2", "#73bf69", "#f2cc0c", "#ff9830", "#b877d9", "#8ab8ff", "#ca95e5", "#96d98d", "#ffb357", "#6ed0e0"},
			HitmapOk:  []string{"#16325c", "#1f60c4", "#5794f2", "#8f7ef2", "#c0b8ff"},
			HitmapErr: []string{"#f2cc0c", "#ff9830", "#ff5f56", "#e02f44"},
		},
		{
			Name: ThemeLight, Background: "#f4f5f7", Surface: "#ffffff", Text: "#1f2328", Muted: "#59636e", Grid: "#d8dee4",
			States: map[State]string{
				StateOK: "#1a7f37", StateWarning: "#9a6700", StateCritical: "#cf222e", StateNoData: "#6e7781", StateStale: "#58708f",
			},
			OnState: map[State]string{
				StateOK: "#ffffff", StateWarning: "#ffffff", StateCritical: "#ffffff", StateNoData: "#ffffff", StateStale: "#ffffff",
			},
			Series:    []string{"#1f60c4", "#37872d", "#c4a000", "#e0752d", "#8f3bb8", "#3274d9", "#a352cc", "#56a64b", "#fa6400", "#0a8a9e"},
			HitmapOk:  []string{"#c0d8ff", "#8ab8ff", "#3274d9", "#1f3fa0", "#2a1a7a"},
			HitmapErr: []string{"#f2cc0c", "#ff9830", "#e02f44", "#9e0f23"},
		},
	}
}

// ThemeNamed returns the theme called name, or the dark one.
func ThemeNamed(name string) Theme {
	for _, t := range Themes() {
		if t.Name == name {
			return t
		}
	}
	return Themes()[0]
}
