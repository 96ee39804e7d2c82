// The demo's output: numbered steps, and what each called and got back, indented beneath.
export const step = (n: number, title: string): void => console.log(`\n${n}. ${title}`);
export const say = (text: string): void => console.log(`   ${text}`);
