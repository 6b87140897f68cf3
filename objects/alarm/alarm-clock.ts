/**
 * The object's one alarm, shared by its duties (history samples and archive,
 * season boundaries and their archive): each asks for a time and the alarm is
 * set for the earliest. The armed time is kept in SQLite, so a restart finds
 * an alarm that was recorded but lost and sets it again.
 */
export class AlarmClock {
  private armedFor: number | undefined;

  constructor(
    private readonly ctx: DurableObjectState,
    exists: boolean,
  ) {
    if (!exists) return;
    this.armedFor =
      ctx.storage.sql.exec<{ value: number }>("SELECT value FROM history_state WHERE key = 'alarmAt'").toArray()[0]
        ?.value ?? undefined;
  }

  /** Re-arms an alarm that was recorded but is no longer set (lost by an older version, or by the platform). */
  async resume(): Promise<void> {
    if (this.armedFor === undefined || (await this.ctx.storage.getAlarm()) !== null) return;
    await this.ctx.storage.setAlarm(Math.max(this.armedFor, Date.now() + 1));
  }

  /** Arms the alarm for `at` unless it is already armed for earlier. */
  arm(at: number): void {
    if (this.armedFor !== undefined && this.armedFor <= at) return;
    this.armedFor = at;
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO history_state (key, value) VALUES ('alarmAt', ?)", at);
    void this.ctx.storage.setAlarm(at);
  }

  /**
   * The alarm fired: the time it was armed for (duties due by then run, as
   * tests fire alarms early), with nothing armed until a duty asks again.
   */
  fired(): number {
    const firedFor = this.armedFor ?? Date.now();
    this.armedFor = undefined;
    return firedFor;
  }

  /** After the duties ran: forgets the recorded time if none of them asked for another. */
  settle(): void {
    if (this.armedFor === undefined) this.ctx.storage.sql.exec("DELETE FROM history_state WHERE key = 'alarmAt'");
  }

  /** Forgets any alarm (the game is being deleted). */
  async clear(): Promise<void> {
    this.armedFor = undefined;
    await this.ctx.storage.deleteAlarm();
  }
}
