/**
 * User flows through the app's UI, written the way a person would use it (labels and
 * roles, never CSS classes), shared by the e2e tests.
 */
import type { Locator, Page } from 'playwright-core';

const TIMEOUT = 30_000;

export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: TIMEOUT });
}

export async function onboard(page: Page, name = 'Ada'): Promise<void> {
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor({ timeout: TIMEOUT });
}

export async function goTo(page: Page, screen: 'Today' | 'Habits' | 'History' | 'Settings') {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
  await page.getByRole('heading', { name: screen, level: 1 }).waitFor({ timeout: TIMEOUT });
}

export async function addCategory(page: Page, name: string): Promise<void> {
  await goTo(page, 'Habits');
  await page.getByRole('button', { name: 'New category' }).click();
  await page.getByLabel('Category name').fill(name);
  await page.getByRole('button', { name: 'Save category' }).click();
  await page.getByRole('button', { name: `Edit category ${name}` }).waitFor({ timeout: TIMEOUT });
}

export async function addHabit(page: Page, name: string, category?: string): Promise<void> {
  await goTo(page, 'Habits');
  await page.getByRole('button', { name: 'New habit' }).click();
  const form = page.getByRole('form', { name: 'New habit' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  if (category !== undefined) await form.getByLabel('Category').selectOption({ label: category });
  await form.getByRole('button', { name: 'Save habit' }).click();
  await habitRow(page, name).waitFor({ timeout: TIMEOUT });
}

export function habitRow(page: Page, name: string): Locator {
  return page.getByRole('button', { name: `Edit ${name}`, exact: true });
}

export function doneButton(page: Page, habit: string): Locator {
  return page.getByRole('button', { name: `Done: ${habit}`, exact: true });
}

export async function checkIn(page: Page, habit: string): Promise<void> {
  await goTo(page, 'Today');
  await doneButton(page, habit).click();
  await waitPressed(doneButton(page, habit), true);
}

export async function waitPressed(button: Locator, pressed: boolean): Promise<void> {
  await button
    .and(button.page().locator(`[aria-pressed="${pressed}"]`))
    .waitFor({ timeout: TIMEOUT });
}
