/** Server messages mark commands and names with backticks; show those as code. */
export function MessageText({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd count of backticks leaves an unmatched one: show the text as is.
  if (parts.length % 2 === 0) return <>{text}</>;
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}
