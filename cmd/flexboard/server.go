package main

import (
	"context"
	"crypto/tls"
	"database/sql"
	"fmt"
	"log/slog"
	"net"
	"runtime/debug"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/flexboard/flexboard/audit"
	"github.com/flexboard/flexboard/auth"
	"github.com/flexboard/flexboard/boards"
	"github.com/flexboard/flexboard/internal/httpx"
	"github.com/flexboard/flexboard/internal/sqlitedb"
	"github.com/flexboard/flexboard/screens"
	"github.com/flexboard/flexboard/static"
	"github.com/flexboard/flexboard/stream"
	"github.com/flexboard/flexboard/stream/sources"
	"github.com/flexboard/flexboard/widgets"
)

// maxRequestBody is the server-wide body limit: fasthttp refuses anything
// larger from its Content-Length before reading it. Routes check their own,
// smaller limits (boards.MaxBodyBytes) and answer 413 themselves, after
// reading the body, so ordinary clients get the answer instead of a reset.
const maxRequestBody = stream.MaxIngestBody

// Run starts the server and blocks until ctx is cancelled, then shuts down
// gracefully: it stops accepting, lets in-flight requests finish within
// cfg.ShutdownTimeout and closes the database. ready, if not nil, is called
// with the base URL once the server accepts connections.
func Run(ctx context.Context, cfg Config, log *slog.Logger, ready func(url string)) error {
	db, err := sqlitedb.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer func() {
		if err := db.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()

	store := stream.NewStore(cfg.Limits, nil)
	hubCfg := stream.DefaultHubConfig()
	hubCfg.MaxDisplays = cfg.MaxDisplays
	kinds := widgets.Builtin()
	hub := stream.NewHub(hubCfg, store, viewLoader{store: boards.NewSQLiteStore(db), kinds: kinds}, log)
	srcStore := sources.NewSQLiteStore(db)
	manager := sources.NewManager(func() stream.Appender { return store.Appender() }, log,
		sources.DemoDriver{}, sources.HostDriver{}, sources.HTTPProbeDriver{}, sources.ScrapeDriver{}, sources.QueryDriver{})
	defer manager.Shutdown()
	seeded, err := sources.SeedFirstRun(ctx, srcStore, cfg.Demo, []sources.Source{{
		Name: "Demo estate", Type: sources.TypeDemo, Enabled: true, Config: sources.DemoDriver{}.Defaults()}})
	if err != nil {
		return fmt.Errorf("first run: %w", err)
	}
	for _, s := range seeded {
		log.Info("first run: created a demo source, so data flows at once (--demo=false starts empty)", "source", s.ID)
	}
	var firstBoards []*boards.Board
	if len(seeded) > 0 {
		// And boards on its data, so a newcomer has moving walls to open
		// at once; announced with their URLs once the server listens.
		if firstBoards, err = createFirstRunBoards(ctx, boards.NewSQLiteStore(db)); err != nil {
			return fmt.Errorf("first run: %w", err)
		}
	}
	if err := manager.Start(ctx, srcStore); err != nil {
		return fmt.Errorf("start sources: %w", err)
	}
	pictures := &pictureTaker{chromium: findChromium(), log: log}
	var authSvc *auth.Service
	if cfg.Auth == authPassword {
		authSvc = auth.NewService(auth.NewSQLiteStore(db), log, nil)
	}
	app, err := newApp(cfg, db, kinds, store, hub, manager, pictures, authSvc, log)
	if err != nil {
		return err
	}
	// Read before anything runs in the background: a bad file stops the start.
	var certs *certLoader
	if cfg.TLSCert != "" {
		if certs, err = newCertLoader(cfg.TLSCert, cfg.TLSKey, log); err != nil {
			return err
		}
	}
	bg, stopBackground := context.WithCancel(context.Background())
	defer stopBackground()
	go sweep(bg, store)
	history := stream.NewHistory(db, store, cfg.Retention, log)
	historyDone := make(chan struct{})
	go func() {
		defer close(historyDone)
		history.Run(bg)
	}()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	url := baseURL(ln.Addr(), certs != nil)
	if certs != nil {
		ln = tls.NewListener(ln, certs.tlsConfig())
	}
	// Before "listening", which tests and scripts wait for.
	if err := announceAuth(ctx, cfg, authSvc, ln.Addr(), url, log); err != nil {
		ln.Close()
		stopBackground()
		<-historyDone
		return err
	}
	log.Info("flexboard listening", "addr", ln.Addr().String(), "url", url, "db", cfg.DB, "version", version)
	if len(firstBoards) > 0 {
		announceFirstRun(cfg.Banner, log, url, firstBoards, cfg.Auth == authPassword)
	}

	pictures.base.Store(url)
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	if ready != nil {
		ready(url)
	}
	select {
	case err := <-errc:
		stopBackground()
		<-historyDone
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: closing displays, finishing in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	// Fiber's Shutdown does not close hijacked websockets: the hub tells
	// each display and closes it with GoingAway first.
	hubCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout/2)
	hub.Shutdown(hubCtx)
	cancel()
	if err := app.ShutdownWithTimeout(cfg.ShutdownTimeout); err != nil {
		log.Warn("shutdown did not finish cleanly", "err", err)
	}
	<-errc
	manager.Shutdown()
	stopBackground()
	<-historyDone // the last roll-ups are written before the database closes
	log.Info("flexboard stopped")
	return nil
}

// newApp wires the packages into one Fiber app.
// authSvc is nil with --auth=none: then no route is guarded.
func newApp(cfg Config, db *sql.DB, kinds *widgets.Registry, store *stream.Store, hub *stream.Hub, manager *sources.Manager, pictures *pictureTaker, authSvc *auth.Service, log *slog.Logger) (*fiber.App, error) {
	frameAncestors, err := parseFrameAncestors(cfg.FrameAncestors)
	if err != nil {
		return nil, err
	}
	proxies, err := parseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		AppName:               "flexboard",
		DisableStartupMessage: true,
		// Params, query values and headers are copied: nothing a handler
		// keeps can be overwritten by the next request.
		Immutable:    true,
		BodyLimit:    maxRequestBody,
		ReadTimeout:  30 * time.Second,
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  2 * time.Minute,
		ErrorHandler: httpx.ErrorHandler(log),
		// X-Forwarded-For, -Proto and -Host count only from --trusted-proxies
		// (with the check off, Fiber would believe them from anyone).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          fiberProxies(proxies),
		ProxyHeader:             fiber.HeaderXForwardedFor,
		EnableIPValidation:      true,
	})
	// First, so that every answer, a panic's included, gets the headers,
	// and everything after sees the client's address in c.IP().
	app.Use(securityHeaders(frameAncestors))
	app.Use(forwardedFor(proxies))
	app.Use(recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			log.Error("panic in handler", "method", c.Method(), "path", c.Path(), "panic", fmt.Sprint(e), "stack", string(debug.Stack()))
		},
	}))
	app.Use(httpx.RequestLog(log))
	// The audit log, before the guard so it records the guard's refusals
	// too. Closed after the server's shutdown, so the entries of the last
	// requests are written before the database closes.
	auditRec := audit.NewRecorder(audit.NewSQLiteStore(db), log, audit.DefaultRetention, nil)
	app.Hooks().OnShutdown(auditRec.Close)
	app.Use(auditLog(auditRec, auditRoutes()))
	ingestToken := cfg.IngestToken
	screenSvc := screens.NewService(screens.NewSQLiteStore(db), screenTargets(boards.NewSQLiteStore(db)), log, nil)
	screenSvc.Revoked = func(id int64) {
		hub.CloseOwner(streamOwner(false, id), stream.CloseRevoked, "revoked — pair again")
	}
	var authH *auth.Handler
	if authSvc != nil {
		rules := routeRules()
		if err := rules.Validate(); err != nil {
			auditRec.Close()
			return nil, err
		}
		authH = &auth.Handler{Service: authSvc, Log: log, Displays: displayGrants(screenSvc, boards.NewSQLiteStore(db))}
		// The guard checks the ingest token (as a token with the ingest
		// scope), so an editor's session may push too, and the admin-made
		// API tokens (fbt_…).
		app.Use(authH.Guard(rules, auth.AnyToken(auth.StaticToken("--ingest-token", auth.ScopeIngest, cfg.IngestToken), authSvc.CheckToken)))
		ingestToken = ""
	}

	app.Get("/healthz", func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := db.PingContext(ctx); err != nil {
			log.Error("health check: database unavailable", "err", err)
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "error", "version": version, "error": "database unavailable"})
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.JSON(fiber.Map{"status": "ok", "version": version})
	})

	(&stream.MetricsHandler{Store: store, Hub: hub, Version: version}).Register(app)
	api := app.Group("/api/v1")
	boardStore := boards.NewSQLiteStore(db)
	pictures.store = boardStore
	bh := &boards.Handler{Store: boardStore, Kinds: kinds, Log: log, Changed: hub.BoardChanged, Images: boards.NewSQLiteImages(db),
		Playlists: boardStore, Snapshots: boardStore, Freeze: freezer(viewLoader{store: boardStore, kinds: kinds}, store, cfg.Retention),
		Preview:  previewer(viewLoader{store: boardStore, kinds: kinds}, store),
		Location: time.Local, Retention: cfg.Retention,
		Access: boardStore, Actor: auth.ActorName,
		LinkRevoked: func(id int64) {
			hub.CloseOwner(streamOwner(true, id), stream.CloseRevoked, "this published link was revoked")
		},
		SignedIn: func(c *fiber.Ctx) bool {
			// The server's own Chromium takes a private snapshot's picture.
			return authSvc == nil || auth.UserOf(c) != nil || pictures.isOwn(c.Query(pictureKeyParam))
		}}
	if pictures.chromium != "" {
		bh.Picture = pictures.take
	}
	bh.Register(api)
	bh.RegisterPages(app)
	(&stream.IngestHandler{Store: store, Token: ingestToken, Log: log, AllowedOrigins: cfg.AllowedOrigins}).Register(api)
	(&stream.QueryHandler{Store: store}).Register(api)
	(&widgets.Handler{Kinds: kinds}).Register(api)
	(&stream.DisplayLogHandler{Log: log}).Register(api)
	(&stream.StreamHandler{Hub: hub, AllowedOrigins: cfg.AllowedOrigins, Owner: displayOwner}).Register(api)
	(&sources.Handler{Store: sources.NewSQLiteStore(db), Manager: manager, Log: log}).Register(api)
	// Fiber's Shutdown does not close hijacked websockets: the screens'
	// control channels are closed (GoingAway) once it returns.
	app.Hooks().OnShutdown(func() error { screenSvc.Shutdown(2 * time.Second); return nil })
	(&screens.Handler{Service: screenSvc, Log: log,
		OriginAllowed: func(o, host string) bool { return stream.OriginAllowed(o, host, cfg.AllowedOrigins) }}).Register(api)
	if authH != nil {
		authH.Register(api)
		authH.RegisterPages(app)
	} else {
		// The front end can ask which mode the server is in.
		api.Get("/auth/me", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"auth": authNone}) })
	}
	(&audit.Handler{Store: audit.NewSQLiteStore(db), Recorder: auditRec}).Register(api)
	api.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound }) // JSON 404 for unknown API paths

	pages, err := static.New()
	if err != nil {
		auditRec.Close()
		return nil, fmt.Errorf("load the embedded front end: %w", err)
	}
	pages.Register(app)
	app.Get("/widgets", pages.Page)  // the widget catalogue
	app.Get("/d/:id", pages.Page)    // a board on a wall display
	app.Get("/edit/:id", pages.Page) // the board editor
	app.Get("/p/:id", pages.Page)    // a playlist rotating boards
	app.Get("/pair", pages.Page)     // a new screen shows its pairing code
	app.Get("/screens", pages.Page)  // the screens console
	app.Get("/admin", pages.Page)    // users and API tokens (admins); with --auth=none it says there are none
	app.Get("/audit", pages.Page)    // the audit log (admins)

	// Sign in; with --auth=none the page says there is nothing to sign in to.
	app.Get(auth.LoginPath, pages.Page)
	return app, nil
}

// sweep drops expired points and silent series every 10 s.
func sweep(ctx context.Context, store *stream.Store) {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			store.Sweep()
		}
	}
}

// baseURL is the address a person on this machine can open.
func baseURL(a net.Addr, tls bool) string {
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return scheme + a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "localhost"
	}
	return scheme + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}
