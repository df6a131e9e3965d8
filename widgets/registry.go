package widgets

import (
	"fmt"
	"sort"
)

// Registry is the set of kinds a server accepts. Build one with Builtin;
// there is no global registry.
type Registry struct {
	kinds  []*Kind
	byName map[string]*Kind
}

// NewRegistry returns a registry of kinds, in the given order. It panics on
// a duplicate or nameless kind: that is a programming error.
func NewRegistry(kinds ...*Kind) *Registry {
	r := &Registry{byName: make(map[string]*Kind, len(kinds))}
	for _, k := range kinds {
		if k.Name == "" {
			panic("widgets: kind without a name")
		}
		if _, dup := r.byName[k.Name]; dup {
			panic(fmt.Sprintf("widgets: kind %q registered twice", k.Name))
		}
		r.byName[k.Name] = k
		r.kinds = append(r.kinds, k)
	}
	return r
}

// Lookup returns the kind called name, or nil.
func (r *Registry) Lookup(name string) *Kind { return r.byName[name] }

// Kinds returns every kind in registration order.
func (r *Registry) Kinds() []*Kind { return append([]*Kind(nil), r.kinds...) }

// Names returns the kind names, sorted.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.kinds))
	for _, k := range r.kinds {
		names = append(names, k.Name)
	}
	sort.Strings(names)
	return names
}
