package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// demoCmd runs `flexboard demo incident NAME`: it asks a running server's
// demo source to play a scripted incident.
func demoCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) < 2 || args[0] != "incident" {
		fmt.Fprintln(stderr, "usage: flexboard demo incident NAME [--url URL] [--source ID] [--duration D]\n"+
			"NAME: traffic-spike, db-zone-move, error-burst or host-down")
		return 2
	}
	scenario := args[1]
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	url := fs.String("url", "", "")
	source := fs.String("source", "", "")
	duration := fs.String("duration", "", "")
	token := fs.String("token", "", "")
	if err := fs.Parse(args[2:]); err != nil {
		fmt.Fprintf(stderr, "flexboard demo: %v\n", err)
		return 2
	}
	*url, *token = toolServer(*url, *token, getenvOS)
	base := strings.TrimRight(*url, "/")
	client := &http.Client{Timeout: 10 * time.Second}
	if *source == "" {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/sources", nil)
		setBearer(req, *token)
		res, err := client.Do(req)
		if err != nil {
			fmt.Fprintf(stderr, "flexboard demo: is the server running at %s? %v\n", base, err)
			return 2
		}
		if res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden {
			res.Body.Close()
			fmt.Fprintf(stderr, "flexboard demo: the server at %s lets only an admin list sources (HTTP %d): pass --source ID (an API token with scope write may start an incident)\n", base, res.StatusCode)
			return 1
		}
		var list struct {
			Sources []struct{ ID, Type, Name string } `json:"sources"`
		}
		json.NewDecoder(res.Body).Decode(&list)
		res.Body.Close()
		for _, s := range list.Sources {
			if s.Type == "demo" {
				*source = s.ID
				break
			}
		}
		if *source == "" {
			fmt.Fprintf(stderr, "flexboard demo: the server at %s has no demo source: create one with POST /api/v1/sources {\"name\":\"Demo\",\"type\":\"demo\"}\n", base)
			return 1
		}
	}
	body, _ := json.Marshal(map[string]string{"scenario": scenario, "duration": *duration})
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/api/v1/sources/"+*source+"/incidents", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	setBearer(req, *token)
	res, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "flexboard demo: %v\n", err)
		return 2
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusAccepted {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		json.Unmarshal(b, &e)
		fmt.Fprintf(stderr, "flexboard demo: %s\n", e.Error.Message)
		return 1
	}
	fmt.Fprintf(stdout, "incident %s started on demo source %s; it ends by itself\n", scenario, *source)
	return 0
}

// toolServer fills a client tool's server URL and token from the
// environment when the flags leave them empty (FLEXBOARD_URL, default the
// local server; FLEXBOARD_TOKEN, an API token, then FLEXBOARD_INGEST_TOKEN,
// the name it had when only the ingest token existed).
func toolServer(url, token string, getenv func(string) string) (string, string) {
	if url == "" {
		url = getenv("FLEXBOARD_URL")
	}
	if url == "" {
		url = "http://127.0.0.1:8080"
	}
	if token == "" {
		token = getenv("FLEXBOARD_TOKEN")
	}
	if token == "" {
		token = getenv("FLEXBOARD_INGEST_TOKEN")
	}
	return url, token
}

// setBearer sends token, if any, as "Authorization: Bearer <token>".
func setBearer(req *http.Request, token string) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
}
