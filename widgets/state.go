package widgets

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/flexboard/flexboard/internal/errs"
)

// State is how a widget (or one object of it) is doing. One palette colours
// each state everywhere in the product.
type State string

// States, from best to worst; stale is set by a display that lost its
// connection, never by the server.
const (
	StateOK       State = "ok"
	StateWarning  State = "warning"
	StateCritical State = "critical"
	StateNoData   State = "nodata"
	StateStale    State = "stale"
)

// States lists every state in palette order.
var States = []State{StateOK, StateWarning, StateCritical, StateNoData, StateStale}

// thresholdStates are the states a threshold may name.
var thresholdStates = []string{string(StateOK), string(StateWarning), string(StateCritical)}

// Severity orders states for "worst of": critical > warning > nodata > ok.
func (s State) Severity() int {
	switch s {
	case StateCritical:
		return 3
	case StateWarning:
		return 2
	case StateNoData, StateStale:
		return 1
	}
	return 0
}

// Worse returns the worse of two states.
func Worse(a, b State) State {
	if b.Severity() > a.Severity() {
		return b
	}
	return a
}

// MaxThresholds is how many steps a widget's thresholds may have.
const MaxThresholds = 10

// Threshold is one step: from Value on (in the direction of worse), the
// state is State.
type Threshold struct {
	Value float64 `json:"value"`
	State State   `json:"state"`
}

// Directions of thresholds.
const (
	HigherIsWorse = "higher_is_worse"
	LowerIsWorse  = "lower_is_worse"
)

// Thresholds map a value to a state.
type Thresholds struct {
	Steps        []Threshold
	LowerIsWorse bool
}

// StateOf returns the state of v: ok below the first step; the state of the
// last step reached otherwise. A value equal to a step's value reaches it
// (80 with a warning step at 80 is warning). With LowerIsWorse the steps go
// downwards: a value at or below a step's value reaches it. NaN is nodata.
func (t Thresholds) StateOf(v float64) State {
	if math.IsNaN(v) {
		return StateNoData
	}
	s := StateOK
	for _, st := range t.Steps {
		if t.LowerIsWorse && v <= st.Value || !t.LowerIsWorse && v >= st.Value {
			s = st.State
		}
	}
	return s
}

// validateThresholds checks a thresholds config value: an array of at most
// MaxThresholds {value, state} objects whose values strictly increase (they
// are checked against the direction in Kind.ValidateConfig).
func validateThresholds(v any) error {
	list, ok := v.([]any)
	if !ok {
		return errs.Invalidf("", `must be a list of steps such as [{"value":80,"state":"warning"},{"value":95,"state":"critical"}]`)
	}
	if len(list) > MaxThresholds {
		return errs.Invalidf("", "has %d steps; at most %d", len(list), MaxThresholds)
	}
	for i, item := range list {
		f := fmt.Sprintf("[%d]", i)
		m, ok := item.(map[string]any)
		if !ok {
			return errs.Invalidf(f, `must be an object {"value": number, "state": "warning"}`)
		}
		for k := range m {
			if k != "value" && k != "state" {
				return errs.Invalidf(f+"."+k, "unknown key; a step has value and state")
			}
		}
		n, ok := m["value"].(json.Number)
		if !ok {
			return errs.Invalidf(f+".value", "must be a number")
		}
		if x, err := n.Float64(); err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return errs.Invalidf(f+".value", "number %s is out of range", n)
		}
		s, _ := m["state"].(string)
		if !contains(thresholdStates, s) {
			return errs.Invalidf(f+".state", `must be one of: "ok", "warning", "critical"`)
		}
	}
	return nil
}

// parseThresholds reads the validated thresholds and direction of a config.
func parseThresholds(raw any, direction string) Thresholds {
	t := Thresholds{LowerIsWorse: direction == LowerIsWorse}
	list, _ := raw.([]any)
	for _, item := range list {
		m, _ := item.(map[string]any)
		s, _ := m["state"].(string)
		t.Steps = append(t.Steps, Threshold{Value: toFloat(m["value"]), State: State(s)})
	}
	return t
}

// checkThresholdOrder says which step breaks the order of the direction.
func checkThresholdOrder(t Thresholds) error {
	for i := 1; i < len(t.Steps); i++ {
		a, b := t.Steps[i-1].Value, t.Steps[i].Value
		if !t.LowerIsWorse && b <= a {
			return errs.Invalidf(fmt.Sprintf("thresholds[%d].value", i), "is %s, not above the step before (%s): with direction higher_is_worse the steps go up", num(b), num(a))
		}
		if t.LowerIsWorse && b >= a {
			return errs.Invalidf(fmt.Sprintf("thresholds[%d].value", i), "is %s, not below the step before (%s): with direction lower_is_worse the steps go down", num(b), num(a))
		}
	}
	return nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case json.Number:
		f, _ := x.Float64()
		return f
	case int:
		return float64(x)
	}
	return math.NaN()
}
