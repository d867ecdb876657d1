/**
 * LangChain's RecursiveCharacterTextSplitter (langchain/text_splitter), re-implemented for the
 * peer benchmark: split on the first separator the text contains ("\n\n", "\n", " ", ""),
 * recurse into pieces still too long, and merge small pieces into chunks of at most chunkSize
 * characters that repeat up to chunkOverlap characters of the previous chunk.
 */

export function recursiveSplit(text: string, chunkSize = 1000, chunkOverlap = 200, separators = ['\n\n', '\n', ' ', '']): string[] {
  let separator = separators[separators.length - 1]!;
  let rest: string[] = [];
  for (const [i, s] of separators.entries()) {
    if (s === '') {
      separator = s;
      break;
    }
    if (text.includes(s)) {
      separator = s;
      rest = separators.slice(i + 1);
      break;
    }
  }
  const splits = separator === '' ? [...text] : text.split(separator);
  const out: string[] = [];
  let good: string[] = [];
  for (const s of splits) {
    if (s.length < chunkSize) good.push(s);
    else {
      if (good.length > 0) {
        out.push(...mergeSplits(good, separator, chunkSize, chunkOverlap));
        good = [];
      }
      if (rest.length === 0) out.push(s);
      else out.push(...recursiveSplit(s, chunkSize, chunkOverlap, rest));
    }
  }
  if (good.length > 0) out.push(...mergeSplits(good, separator, chunkSize, chunkOverlap));
  return out;
}

function mergeSplits(splits: readonly string[], separator: string, chunkSize: number, chunkOverlap: number): string[] {
  const docs: string[] = [];
  const current: string[] = [];
  let total = 0;
  const join = () => current.join(separator).trim();
  for (const d of splits) {
    const sep = current.length > 0 ? separator.length : 0;
    if (total + d.length + sep > chunkSize) {
      if (current.length > 0) {
        const doc = join();
        if (doc !== '') docs.push(doc);
        while (total > chunkOverlap || (total + d.length + (current.length > 0 ? separator.length : 0) > chunkSize && total > 0)) {
          total -= current[0]!.length + (current.length > 1 ? separator.length : 0);
          current.shift();
        }
      }
    }
    current.push(d);
    total += d.length + (current.length > 1 ? separator.length : 0);
  }
  const doc = join();
  if (doc !== '') docs.push(doc);
  return docs;
}

