// The board's alert sound: a short tone when a widget enters critical.
// Autoplay: a kiosk browser plays sound without a click only when started
// with --autoplay-policy=no-user-gesture-required (README); otherwise the
// tone is silently skipped until someone touches the page.

/** Reads the board's alert_sound setting: on for true or a non-empty name other than "off". */
export function alertSoundOn(board: unknown): boolean {
  if (typeof board !== "object" || board === null) return false;
  const v = (board as Record<string, unknown>)["alert_sound"];
  return v === true || (typeof v === "string" && v !== "" && v !== "off" && v !== "false");
}

/** Whether a state change is entering critical (not staying in it, not the first state seen). */
export function entersCritical(prev: string | undefined, next: string): boolean {
  return next === "critical" && prev !== undefined && prev !== "critical";
}

/** Tones closer together than this are merged: ten widgets turning red at once make one beep. */
const MIN_GAP_MS = 2000;

type AudioCtor = new () => AudioContext;

/** Plays short tones through one AudioContext (created on first use, reused: contexts are a scarce resource). */
export class AlertTone {
  private ctx: AudioContext | null = null;
  private last = -Infinity;

  /** Plays a 0.4 s two-step tone, unless one played within MIN_GAP_MS. Returns whether it tried. */
  play(): boolean {
    const now = performance.now();
    if (now - this.last < MIN_GAP_MS) return false;
    this.last = now;
    try {
      if (!this.ctx) {
        const w = window as unknown as { AudioContext?: AudioCtor; webkitAudioContext?: AudioCtor };
        const C = w.AudioContext || w.webkitAudioContext;
        if (!C) return false;
        this.ctx = new C();
      }
      const ctx = this.ctx;
      if (ctx.state === "suspended") void ctx.resume().catch(() => undefined);
      const t = ctx.currentTime;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.setValueAtTime(880, t);
      osc.frequency.setValueAtTime(660, t + 0.2);
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.4);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.42);
      osc.onended = () => {
        osc.disconnect();
        gain.disconnect();
      };
      return true;
    } catch {
      return false;
    }
  }

  /** Frees the audio context. */
  close(): void {
    if (this.ctx) void this.ctx.close().catch(() => undefined);
    this.ctx = null;
  }
}
